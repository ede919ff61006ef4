import Glibc
import Timing

/// The breathing tones: soft, warm tones that last exactly one breath phase.
///
/// An inhale glides up a fifth and swells; an exhale glides down the same
/// fifth and fades. Two voices a few cents apart with quiet second and third
/// harmonics keep the tone round and unobtrusive for a long session.
public enum BreathTones {
    /// The lowest and highest pitch of a breath, in Hz.
    public static let low = 196.0
    public static let high = 293.7
    /// Peak level, linear.
    public static let peak: Float = 0.13

    /// The tone for a breath cue of `frames` frames: rising for an inhale,
    /// falling for an exhale, silence for a held breath.
    public static func sound(for kind: CueKind, frames: Int, rate: Int) -> Sound {
        switch kind {
        case .breathInhale: tone(from: low, to: high, frames: frames, rate: rate, swell: true)
        case .breathExhale: tone(from: high, to: low, frames: frames, rate: rate, swell: false)
        default: .silence
        }
    }

    static func tone(from start: Double, to end: Double, frames: Int, rate: Int, swell: Bool) -> Sound {
        guard frames > 0 else { return .silence }
        let edge = min(Fade.frames(milliseconds: 60, rate: rate), frames / 4)
        return Sound(frames: frames, peak: peak, fadeIn: edge, fadeOut: edge) {
            Glide(from: start, to: end, frames: frames, rate: rate, swell: swell)
        }
    }

    /// One breath's tone, frame by frame: an exponential glide (equal musical
    /// steps per second) whose phase, the integral of the frequency, is in
    /// closed form; the glide factor is stepped by multiplication, not pow.
    struct Glide: Synthesizer {
        let length: Double
        let cycleScale: Double
        let glideStep: Double
        let swell: Bool
        var glide = 1.0
        var frame = 0
        /// A second voice 6 cents up.
        static let upper = pow(2, 6.0 / 1200)

        init(from start: Double, to end: Double, frames: Int, rate: Int, swell: Bool) {
            length = Double(frames)
            cycleScale = start * length / Double(rate) / log(end / start)
            glideStep = pow(end / start, 1 / length)
            self.swell = swell
        }

        /// The envelope can rise to the end, so no early bound.
        var peakBound: Float { .infinity }

        mutating func render(into output: UnsafeMutableBufferPointer<Float>) {
            for index in output.indices {
                let position = Double(frame) / length
                let envelope = swell ? sin(0.5 * Double.pi * position) : cos(0.5 * Double.pi * position)
                let cycles = cycleScale * (glide - 1)
                output[index] = Float((Wave.value(at: cycles) + Wave.value(at: cycles * Self.upper)) * envelope * envelope)
                glide *= glideStep
                frame += 1
            }
        }
    }

    /// One cycle of the tone's waveform: the fundamental with quiet second
    /// and third harmonics, in a table read with linear interpolation
    /// (error below -120 dB), so a tone costs no sine per frame.
    enum Wave {
        static let size = 4096
        static let table: [Double] = (0...size).map { index in
            let phase = 2 * Double.pi * Double(index) / Double(size)
            return sin(phase) + 0.22 * sin(2 * phase) + 0.06 * sin(3 * phase)
        }

        @inline(__always)
        static func value(at cycles: Double) -> Double {
            let position = (cycles - cycles.rounded(.down)) * Double(size)
            let index = Int(position)
            let fraction = position - Double(index)
            return table[index] + (table[index + 1] - table[index]) * fraction
        }
    }
}

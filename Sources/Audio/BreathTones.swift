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
        var values = [Float](repeating: 0, count: frames)
        let length = Double(frames)
        let ratio = end / start
        // An exponential glide: pitch moves by equal musical steps per second.
        // Its phase (in cycles) is the integral of the frequency, in closed
        // form; the glide factor is stepped by multiplication, not pow.
        let cycleScale = start * length / Double(rate) / log(ratio)
        let glideStep = pow(ratio, 1 / length)
        let upper = pow(2, 6.0 / 1200)  // a second voice 6 cents up
        var glide = 1.0
        for frame in 0..<frames {
            let position = Double(frame) / length
            let envelope = swell ? sin(0.5 * Double.pi * position) : cos(0.5 * Double.pi * position)
            let cycles = cycleScale * (glide - 1)
            glide *= glideStep
            values[frame] = Float((Wave.value(at: cycles) + Wave.value(at: cycles * upper)) * envelope * envelope)
        }
        let edge = min(Fade.frames(milliseconds: 60, rate: rate), frames / 4)
        return Sound(mono: values, peak: peak, fadeIn: edge, fadeOut: edge)
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

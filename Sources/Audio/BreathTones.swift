import Glibc
import Timing

/// The breathing tones: soft, warm tones that last exactly one breath phase.
///
/// An inhale glides up a fifth and swells; an exhale glides down the same
/// fifth and fades. One voice with quiet second and third harmonics keeps the
/// tone round and its level steady (two detuned voices would beat).
///
/// An exhale that follows its inhale straight on carries on from it: the
/// inhale ends at full level on a whole cycle, the exhale starts there at the
/// same pitch, so the breath turns without a dip or a click. A held breath
/// is silent, on purpose: the inhale fades out before it and the exhale
/// fades in after it.
public enum BreathTones {
    /// The lowest and highest pitch of a breath, in Hz.
    public static let low = 196.0
    public static let high = 293.7
    /// Peak level, linear.
    public static let peak: Float = 0.13
    /// The fade at an edge that meets silence (a held breath, a session edge).
    static let edgeMilliseconds = 60.0

    /// The tone for a breath cue of `frames` frames: rising for an inhale,
    /// falling for an exhale, silence for a held breath. `joined` says the
    /// inhale's exhale follows it at once (for an inhale: its end meets the
    /// exhale; for an exhale: its start meets the inhale), so that edge is
    /// left open instead of faded. With `part`, only those frames of it.
    public static func sound(for kind: CueKind, frames: Int, rate: Int, joined: Bool, part: Range<Int>? = nil) -> Sound {
        switch kind {
        case .breathInhale:
            tone(from: low, to: high, frames: frames, rate: rate, inhale: true, joined: joined, part: part)
        case .breathExhale:
            tone(from: high, to: low, frames: frames, rate: rate, inhale: false, joined: joined, part: part)
        default: .silence
        }
    }

    static func tone(
        from start: Double, to end: Double, frames: Int, rate: Int, inhale: Bool, joined: Bool, part: Range<Int>?
    ) -> Sound {
        guard frames > 0 else { return .silence }
        let edge = min(Fade.frames(milliseconds: edgeMilliseconds, rate: rate), frames / 4)
        // The inhale starts from silence and the exhale fades into it by their
        // envelopes; the fades only soften the edges that meet a held breath.
        let open = joined ? 0 : edge
        // The envelope peaks at 1, so the wave's own peak sets the level: no peak pass.
        let level = SynthesisLevel.gain(peak / Wave.peak)
        return Sound(frames: frames, level: level, fadeIn: inhale ? edge : open, fadeOut: inhale ? open : edge, part: part) {
            Glide(from: start, to: end, frames: frames, rate: rate, swell: inhale)
        }
    }

    /// One breath's tone, frame by frame: an exponential glide (equal musical
    /// steps per second) whose phase, the integral of the frequency, is in
    /// closed form; the glide factor is stepped by multiplication, not pow.
    /// The envelope, a quarter sine, is stepped by rotation from its exact
    /// value at the start of each `render`, so a frame costs no sine.
    ///
    /// The phase starts at 0 and the glide is tuned (by under a cent) to a
    /// whole number of cycles, so a tone ends where the next one starts.
    struct Glide: Synthesizer {
        let length: Double
        let cycleScale: Double
        let glideStep: Double
        let swell: Bool
        /// The envelope's angle step.
        let envelopeStep: Turn
        var glide = 1.0
        var frame = 0

        init(from start: Double, to end: Double, frames: Int, rate: Int, swell: Bool) {
            length = Double(frames)
            let scale = start * length / Double(rate) / log(end / start)
            let cycles = scale * (end / start - 1)
            cycleScale = cycles >= 1 ? scale * cycles.rounded() / cycles : scale
            glideStep = pow(end / start, 1 / length)
            self.swell = swell
            envelopeStep = Turn(angle: 0.5 * Double.pi / length)
        }

        /// The envelope can rise to the end, so no early bound.
        var peakBound: Float { .infinity }

        mutating func skip(_ frames: Int) {
            for _ in 0..<frames { glide *= glideStep }
            frame += frames
        }

        mutating func render(into output: UnsafeMutableBufferPointer<Float>) {
            // A swell is the sine of the envelope's angle, a fade its cosine.
            var angle = Turn(angle: 0.5 * Double.pi * Double(frame) / length)
            Wave.table.withUnsafeBufferPointer { table in
                for index in output.indices {
                    let envelope = swell ? angle.sin : angle.cos
                    let cycles = cycleScale * (glide - 1)
                    output[index] = Float(Wave.value(at: cycles, in: table) * envelope * envelope)
                    angle.turn(by: envelopeStep)
                    glide *= glideStep
                }
            }
            frame += output.count
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
        /// The loudest value of the wave.
        static let peak = Float(table.map(abs).max()!)

        /// The wave at `cycles` (any number of them) read from `table`, which is `Wave.table`.
        @inline(__always)
        static func value(at cycles: Double, in table: UnsafeBufferPointer<Double>) -> Double {
            // The fraction of a cycle by truncation (no call to floor); the
            // glide's cycles are never below 0 but by a rounding, and a wave's
            // cycle ends where it starts.
            let position = max(0, (cycles - Double(Int(cycles))) * Double(size))
            let index = Int(position)
            let fraction = position - Double(index)
            return table[index] + (table[index + 1] - table[index]) * fraction
        }
    }
}

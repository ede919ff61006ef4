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

    /// One breath's tone: an exponential glide (equal musical steps per
    /// second) whose phase, the integral of the frequency, is in closed form,
    /// under a quarter-sine envelope.
    ///
    /// Made a block of frames at a time. A block's phase at its first and
    /// last frame comes from the formula; inside it the wave turns by the
    /// same angle each frame (the pitch held for 256 frames, a step of under
    /// a thousandth of a tone), its sine and cosine stepped by rotation in
    /// eight lanes at once, so a frame costs a few multiplications and no
    /// `sin` or polynomial. The envelope, taken from its formula at both ends
    /// of a block, is a straight line between them (off the curve by under
    /// 2e-5 of it). Every block starts from exact values, so no error builds
    /// up along a tone and `skip` only counts frames.
    ///
    /// The phase starts at 0 and the glide is tuned (by under a cent) to a
    /// whole number of cycles, so a tone ends where the next one starts.
    struct Glide: Synthesizer {
        /// Frames worked from one block's exact values.
        static let block = 256
        /// Frames stepped side by side: lane k holds frame 8j + k.
        typealias Lanes = SIMD8<Float>
        let length: Double
        let cycleScale: Double
        let glideStep: Double
        let swell: Bool
        var frame = 0

        init(from start: Double, to end: Double, frames: Int, rate: Int, swell: Bool) {
            length = Double(frames)
            let scale = start * length / Double(rate) / log(end / start)
            let cycles = scale * (end / start - 1)
            cycleScale = cycles >= 1 ? scale * cycles.rounded() / cycles : scale
            glideStep = pow(end / start, 1 / length)
            self.swell = swell
        }

        /// The envelope can rise to the end, so no early bound.
        var peakBound: Float { .infinity }

        /// The envelope at `frame`: a quarter sine, squared, rising for a
        /// swell and falling for a fade.
        private func envelope(at frame: Int) -> Double {
            let angle = 0.5 * Double.pi * Double(frame) / length
            let rising = sin(angle)
            return swell ? rising * rising : 1 - rising * rising
        }

        /// Cycles of the wave from the tone's start to `frame`.
        private func cycles(at frame: Int) -> Double {
            cycleScale * (pow(glideStep, Double(frame)) - 1)
        }

        mutating func skip(_ frames: Int) {
            frame += frames
        }

        mutating func render(into output: UnsafeMutableBufferPointer<Float>) {
            let width = Lanes.scalarCount
            for blockStart in stride(from: 0, to: output.count, by: Self.block) {
                let count = min(Self.block, output.count - blockStart)
                let first = frame + blockStart
                let startCycles = cycles(at: first)
                // The block's own step, from its full length even when the sound ends inside it.
                let step = 2 * Double.pi * (cycles(at: first + Self.block) - startCycles) / Double(Self.block)
                let phase = 2 * Double.pi * (startCycles - startCycles.rounded(.down))
                // The first frames from the block's phase, turned in double precision.
                var wave = Turn(angle: phase)
                let turn = Turn(angle: step)
                var sine = Lanes(), cosine = Lanes()
                for lane in 0..<width {
                    (cosine[lane], sine[lane]) = (Float(wave.cos), Float(wave.sin))
                    wave.turn(by: turn)
                }
                let (turnRe, turnIm) = (Float(cos(step * Double(width))), Float(sin(step * Double(width))))
                let start = envelope(at: first)
                let slope = Float((envelope(at: first + Self.block) - start) / Double(Self.block))
                var level = Float(start) + slope * Lanes(0, 1, 2, 3, 4, 5, 6, 7)
                let target = output.baseAddress! + blockStart
                for group in stride(from: 0, to: count, by: width) {
                    let value = Wave.value(sine: sine, cosine: cosine) * level
                    let lanes = min(width, count - group)
                    if lanes == width {
                        UnsafeMutableRawPointer(target + group).storeBytes(of: value, as: Lanes.self)
                    } else {
                        for lane in 0..<lanes { target[group + lane] = value[lane] }
                    }
                    (cosine, sine) = (cosine * turnRe - sine * turnIm, sine * turnRe + cosine * turnIm)
                    level += slope * Float(width)
                }
            }
            frame += output.count
        }
    }

    /// One cycle of the tone's waveform: the fundamental with quiet second
    /// and third harmonics, sin x + 0.22 sin 2x + 0.06 sin 3x, from the sine
    /// and cosine of x alone.
    enum Wave {
        /// The loudest value of the wave, found over 4096 points of a cycle.
        static let peak: Float = (0..<4096).map { point in
            let angle = 2 * Float.pi * Float(point) / 4096
            return abs(value(sine: SIMD8(repeating: sin(angle)), cosine: SIMD8(repeating: cos(angle)))[0])
        }.max()!

        /// The wave where the fundamental's sine and cosine are these.
        @inline(__always)
        static func value<V: SIMD>(sine: V, cosine: V) -> V where V.Scalar == Float {
            // sin 2x = 2 sin x cos x; sin 3x = 3 sin x - 4 sin^3 x.
            sine * (1.18 + 0.44 * cosine - 0.24 * sine * sine)
        }
    }
}

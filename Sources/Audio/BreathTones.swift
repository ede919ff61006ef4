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
    /// Made a block of frames at a time in loops that vectorize: a frame's
    /// glide factor is its block's, from the formula, times a table of the
    /// step's powers; the envelope's angle is its block's, turned by a table
    /// of small turns; the wave is a polynomial, not a table read. Every
    /// block starts from exact values, so no error builds up along a tone and
    /// `skip` only counts frames.
    ///
    /// The phase starts at 0 and the glide is tuned (by under a cent) to a
    /// whole number of cycles, so a tone ends where the next one starts.
    struct Glide: Synthesizer {
        /// Frames worked from one block's exact values.
        static let block = 256
        let length: Double
        let cycleScale: Double
        let glideStep: Double
        let swell: Bool
        /// The glide step to the powers 0 ..< block.
        let glidePowers: [Double]
        /// The cosine and sine of the envelope's angle step times 0 ..< block.
        let turnCos: [Float]
        let turnSin: [Float]
        var frame = 0

        init(from start: Double, to end: Double, frames: Int, rate: Int, swell: Bool) {
            length = Double(frames)
            let scale = start * length / Double(rate) / log(end / start)
            let cycles = scale * (end / start - 1)
            cycleScale = cycles >= 1 ? scale * cycles.rounded() / cycles : scale
            let glideStep = pow(end / start, 1 / length)
            self.glideStep = glideStep
            self.swell = swell
            let envelopeStep = 0.5 * Double.pi / length
            glidePowers = (0..<Self.block).map { pow(glideStep, Double($0)) }
            turnCos = (0..<Self.block).map { Float(cos(envelopeStep * Double($0))) }
            turnSin = (0..<Self.block).map { Float(sin(envelopeStep * Double($0))) }
        }

        /// The envelope can rise to the end, so no early bound.
        var peakBound: Float { .infinity }

        mutating func skip(_ frames: Int) {
            frame += frames
        }

        mutating func render(into output: UnsafeMutableBufferPointer<Float>) {
            for blockStart in stride(from: 0, to: output.count, by: Self.block) {
                let count = min(Self.block, output.count - blockStart)
                let first = frame + blockStart
                let glide = pow(glideStep, Double(first))
                let angle = 0.5 * Double.pi * Double(first) / length
                let (angleCos, angleSin) = (Float(cos(angle)), Float(sin(angle)))
                // A swell is the sine of the envelope's angle, a fade its cosine:
                // sin(a + t) = sin a cos t + cos a sin t, cos(a + t) = cos a cos t - sin a sin t.
                let (withCos, withSin) = swell ? (angleSin, angleCos) : (angleCos, -angleSin)
                let target = output.baseAddress! + blockStart
                withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { fractions in
                    // The phase needs double precision, the rest single: two
                    // loops, so the second works twice as many frames a vector.
                    glidePowers.withUnsafeBufferPointer { powers in
                        for step in 0..<count {
                            fractions[step] = Wave.fraction(of: cycleScale * (glide * powers[step] - 1))
                        }
                    }
                    turnCos.withUnsafeBufferPointer { turnCos in
                        turnSin.withUnsafeBufferPointer { turnSin in
                            for step in 0..<count {
                                let envelope = withCos * turnCos[step] + withSin * turnSin[step]
                                target[step] += Wave.value(at: fractions[step]) * envelope * envelope
                            }
                        }
                    }
                }
            }
            frame += output.count
        }
    }

    /// One cycle of the tone's waveform: the fundamental with quiet second
    /// and third harmonics, sin x + 0.22 sin 2x + 0.06 sin 3x, computed
    /// from the sine and cosine of half the angle by their Taylor series
    /// (error below 1e-7, under single precision's rounding), so a tone
    /// costs no call to `sin` per frame.
    enum Wave {
        /// The loudest value of the wave, found over 4096 points of a cycle.
        static let peak: Float = (0..<4096).map { abs(value(at: Float($0) / 4096 - 0.5)) }.max()!

        /// `cycles` less the nearest whole number: a fraction of a cycle in
        /// [-0.5, 0.5]. Rounded by adding and taking away 1.5 * 2^52 (no call
        /// to `rint`, so the loop vectorizes); exact for |cycles| < 2^51.
        @inline(__always)
        static func fraction(of cycles: Double) -> Float {
            let whole = (cycles + 6_755_399_441_055_744) - 6_755_399_441_055_744
            return Float(cycles - whole)
        }

        /// The wave at `fraction` of a cycle, in [-0.5, 0.5].
        @inline(__always)
        static func value(at fraction: Float) -> Float {
            // Half the angle, in [-pi/2, pi/2], where the series converge fast.
            let half = Float.pi * fraction
            let square = half * half
            var halfSin: Float = -1 / 39_916_800
            halfSin = halfSin * square + 1 / 362_880
            halfSin = halfSin * square - 1 / 5040
            halfSin = halfSin * square + 1 / 120
            halfSin = halfSin * square - 1 / 6
            halfSin = (halfSin * square + 1) * half
            var halfCos: Float = 1 / 479_001_600
            halfCos = halfCos * square - 1 / 3_628_800
            halfCos = halfCos * square + 1 / 40320
            halfCos = halfCos * square - 1 / 720
            halfCos = halfCos * square + 1 / 24
            halfCos = halfCos * square - 1 / 2
            halfCos = halfCos * square + 1
            let sine = 2 * halfSin * halfCos
            let cosine = 1 - 2 * halfSin * halfSin
            // sin 2x = 2 sin x cos x; sin 3x = 3 sin x - 4 sin^3 x.
            return sine * (1.18 + 0.44 * cosine - 0.24 * sine * sine)
        }
    }
}

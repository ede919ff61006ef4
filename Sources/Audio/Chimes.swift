import Glibc
import Synchronization
import Timing

/// The built-in bells, chimes and tick, synthesized at the session rate.
///
/// Each is struck metal: a few inharmonic partials that decay exponentially,
/// the lower ones split into two slightly detuned tones that beat slowly, as
/// a singing bowl does. The kinds differ by pitch, length and number of
/// strikes so they can be told apart with eyes closed: one bright strike to
/// begin a hold, two rising notes to switch sides, two falling notes to
/// release, a deep bowl to open and close the session.
public enum Chimes {
    /// How one kind sounds: its strikes (seconds from the start, fundamental
    /// in Hz), partials, length and peak level.
    struct Recipe {
        var strikes: [(at: Double, frequency: Double)]
        var partials: [Partial]
        var seconds: Double
        var peak: Float
        var beat = 0.7
    }

    /// One partial of a struck sound: its frequency as a multiple of the
    /// fundamental, its level, and the seconds it takes to fall by 1/e.
    struct Partial {
        var ratio: Double
        var level: Double
        var decay: Double
    }

    /// Singing-bowl partial ratios (measured bowls sit near 1 : 2.7 : 5.2 : 8.4).
    static let bowl = [
        Partial(ratio: 1, level: 1, decay: 4.5), Partial(ratio: 2.71, level: 0.45, decay: 2.8),
        Partial(ratio: 5.18, level: 0.2, decay: 1.5), Partial(ratio: 8.41, level: 0.08, decay: 0.8),
    ]

    /// A small bright chime bar: the same shape, shorter.
    static let bar = [
        Partial(ratio: 1, level: 1, decay: 1.4), Partial(ratio: 2.76, level: 0.3, decay: 0.7),
        Partial(ratio: 5.4, level: 0.12, decay: 0.35),
    ]

    static func recipe(_ kind: CueKind) -> Recipe? {
        switch kind {
        case .bellStart: Recipe(strikes: [(0, 220)], partials: bowl, seconds: 8, peak: 0.45)
        case .bellEnd: Recipe(strikes: [(0, 174.6)], partials: bowl, seconds: 10, peak: 0.45)
        case .chimeStart: Recipe(strikes: [(0, 659.3)], partials: bar, seconds: 3.5, peak: 0.4)
        case .chimeSwitch: Recipe(strikes: [(0, 587.3), (0.18, 880)], partials: bar, seconds: 3, peak: 0.4)
        case .chimeEnd: Recipe(strikes: [(0, 784), (0.22, 523.3)], partials: bar, seconds: 4, peak: 0.4)
        case .chimeHalfway: Recipe(strikes: [(0, 1046.5)], partials: [bar[0]], seconds: 2, peak: 0.16)
        case .tick:
            Recipe(
                strikes: [(0, 1400)],
                partials: [Partial(ratio: 1, level: 1, decay: 0.008), Partial(ratio: 2.3, level: 0.5, decay: 0.005)],
                seconds: 0.04, peak: 0.12, beat: 0)
        case .voice, .breathInhale, .breathExhale, .breathHold: nil
        }
    }

    /// The length of a kind's sound in frames, without synthesizing it.
    public static func frames(for kind: CueKind, rate: Int) -> Int {
        recipe(kind).map { Int($0.seconds * Double(rate)) } ?? 0
    }

    /// The sound for a fixed-length cue kind, or only the frames of `part`
    /// of it; silence for kinds that are not chimes.
    public static func sound(for kind: CueKind, rate: Int, part: Range<Int>? = nil) -> Sound {
        guard let recipe = recipe(kind) else { return .silence }
        let frames = frames(for: kind, rate: rate)
        let key = GainKey(kind: kind, rate: rate)
        let gain = peakGains.withLock { gains in
            if let known = gains[key] { return known }
            let gain = Sound.gain(toPeak: recipe.peak, frames: frames) { Strikes(recipe, rate: rate) }
            gains[key] = gain
            return gain
        }
        // Every strike brings its own attack, so the sound itself needs no fade-in.
        return Sound(
            frames: frames, level: .gain(gain), fadeIn: 0,
            fadeOut: min(Fade.frames(milliseconds: 300, rate: rate), frames / 3), part: part
        ) { Strikes(recipe, rate: rate) }
    }

    /// A kind's gain to its peak level at a rate.
    private struct GainKey: Hashable {
        let kind: CueKind
        let rate: Int
    }

    /// The gains found so far: each kind's peak is found once, not again for
    /// every part of every chime a session plays.
    private static let peakGains = Mutex<[GainKey: Float]>([:])

    /// The strikes of a recipe as damped oscillators; the two lowest
    /// partials are doubled `beat` Hz apart so the sound shimmers. Each
    /// strike rises over `attackSeconds` (raised cosine), wherever it starts:
    /// a second note entering while the first rings must not click.
    ///
    /// An oscillator is z(n) = z(0) w^n. Each keeps the powers w^0 ... w^block,
    /// so a block of frames is z times a table: independent products that
    /// vectorize, where stepping z by w frame after frame would not; z moves
    /// on a block at a time. The powers and the products are single precision
    /// (the sound ends as 16-bit samples), twice as many to a vector; z itself
    /// is kept in double, multiplied by the table's w^block.
    ///
    /// A doubled partial is one oscillator at the pair's middle frequency
    /// under the beat's slow cosine (two tones b apart sum to one at their
    /// mean times 2 cos(pi b t)): a strike's doubled partials are summed,
    /// then scaled by that cosine, taken from its formula at both ends of a
    /// block and a straight line between (off it by under 2e-5), which costs
    /// less than a second oscillator for each.
    struct Strikes: Synthesizer {
        struct Oscillator {
            var re: Double
            var im = 0.0
            var powersRe: [Float]
            var powersIm: [Float]
        }

        /// One strike: its start, its doubled partials (one oscillator each,
        /// under the beat) and the others.
        struct Strike {
            var start: Int
            var beating: [Oscillator] = []
            var plain: [Oscillator] = []
        }

        /// A strike's rise: fast as a mallet, slow enough not to click.
        static let attackSeconds = 0.002
        /// Frames rendered from one value of z: small tables, cheap to make
        /// for every part of a chime, long enough to vectorize.
        static let block = 256

        var strikes: [Strike] = []
        /// The rise, one gain per frame from a strike's start.
        let attack: [Float]
        /// The beat's angle per frame: half the doubled partials' detune, in radians.
        let beatStep: Double
        var frame = 0

        init(_ recipe: Recipe, rate: Int) {
            let rise = Fade.frames(milliseconds: Self.attackSeconds * 1000, rate: rate)
            attack = (0..<rise).map { Fade.gain($0, of: rise) }
            beatStep = Double.pi * recipe.beat / Double(rate)
            for (at, frequency) in recipe.strikes {
                var strike = Strike(start: Int(at * Double(rate)))
                // Partials at or above 0.45 of the rate would fold back as false notes at low rates.
                for (index, partial) in recipe.partials.enumerated()
                where frequency * partial.ratio < 0.45 * Double(rate) {
                    let omega = 2 * Double.pi * frequency * partial.ratio / Double(rate)
                    let damping = exp(-1 / (partial.decay * Double(rate)))
                    let (powersRe, powersIm) = Self.powers(damping: damping, omega: omega)
                    // Start at the top of a cosine, so the very first frame sounds.
                    let oscillator = Oscillator(re: partial.level, powersRe: powersRe, powersIm: powersIm)
                    if index < 2 && recipe.beat > 0 {
                        strike.beating.append(oscillator)
                    } else {
                        strike.plain.append(oscillator)
                    }
                }
                strikes.append(strike)
            }
        }

        /// w^step = damping^step e^(i omega step) for step 0...block, each
        /// the product of two powers taken straight from the formula (w^(16a)
        /// and w^b), so no error builds up from step to step, with 33 calls to
        /// pow, cos and sin instead of one a step.
        private static func powers(damping: Double, omega: Double) -> (re: [Float], im: [Float]) {
            func direct(_ step: Int) -> (re: Double, im: Double) {
                let magnitude = pow(damping, Double(step))
                return (magnitude * cos(omega * Double(step)), magnitude * sin(omega * Double(step)))
            }
            let spacing = 16
            let fine = (0..<spacing).map(direct)
            let coarse = (0...(block / spacing)).map { direct($0 * spacing) }
            var re = [Float](repeating: 0, count: block + 1)
            var im = [Float](repeating: 0, count: block + 1)
            for step in 0...block {
                let (a, b) = (coarse[step / spacing], fine[step % spacing])
                re[step] = Float(a.re * b.re - a.im * b.im)
                im[step] = Float(a.re * b.im + a.im * b.re)
            }
            return (re, im)
        }

        var peakBound: Float {
            let oscillators = strikes.flatMap { $0.beating + $0.plain }
            return Float(oscillators.reduce(0) { $0 + ($1.re * $1.re + $1.im * $1.im).squareRoot() })
        }

        mutating func render(into output: UnsafeMutableBufferPointer<Float>) {
            // The strikes add to silence.
            output.update(repeating: 0)
            let end = frame + output.count
            let sum = UnsafeMutableBufferPointer<Float>.allocate(capacity: Self.block)
            defer { sum.deallocate() }
            for index in strikes.indices {
                for from in stride(from: max(frame, strikes[index].start), to: end, by: Self.block) {
                    let count = min(Self.block, end - from)
                    let sinceStrike = from - strikes[index].start
                    let strikeSum = UnsafeMutableBufferPointer(rebasing: sum[0..<count])
                    strikeSum.update(repeating: 0)
                    if !strikes[index].beating.isEmpty {
                        for oscillator in strikes[index].beating { Self.add(oscillator, into: strikeSum) }
                        // The beat's cosine, a line from this block's first frame to the next block's.
                        let first = cos(beatStep * Double(sinceStrike))
                        let slope = Float((cos(beatStep * Double(sinceStrike + Self.block)) - first) / Double(Self.block))
                        Self.scale(strikeSum, from: Float(first), by: slope)
                    }
                    for oscillator in strikes[index].plain { Self.add(oscillator, into: strikeSum) }
                    // Frames still inside the attack.
                    for step in 0..<min(count, max(0, attack.count - sinceStrike)) {
                        strikeSum[step] *= attack[sinceStrike + step]
                    }
                    let target = output.baseAddress! + (from - frame)
                    for step in 0..<count { target[step] += strikeSum[step] }
                    advance(index, by: count)
                }
            }
            frame = end
        }

        /// Multiplies `samples` by a line: `first` at the first, rising by
        /// `slope` a frame; eight frames at a time.
        @inline(__always)
        private static func scale(_ samples: UnsafeMutableBufferPointer<Float>, from first: Float, by slope: Float) {
            typealias Lanes = SIMD8<Float>
            var line = first + slope * Lanes(0, 1, 2, 3, 4, 5, 6, 7)
            let bytes = UnsafeMutableRawPointer(samples.baseAddress!)
            var step = 0
            while step + Lanes.scalarCount <= samples.count {
                let offset = step * MemoryLayout<Float>.stride
                bytes.storeBytes(of: bytes.loadUnaligned(fromByteOffset: offset, as: Lanes.self) * line, toByteOffset: offset, as: Lanes.self)
                line += slope * Float(Lanes.scalarCount)
                step += Lanes.scalarCount
            }
            for lane in 0..<samples.count - step { samples[step + lane] *= line[lane] }
        }

        /// Adds an oscillator's next `output.count` frames (at most a block) into `output`.
        @inline(__always)
        private static func add(_ oscillator: Oscillator, into output: UnsafeMutableBufferPointer<Float>) {
            let (re, im) = (Float(oscillator.re), Float(oscillator.im))
            oscillator.powersRe.withUnsafeBufferPointer { powersRe in
                oscillator.powersIm.withUnsafeBufferPointer { powersIm in
                    for step in output.indices { output[step] += re * powersRe[step] - im * powersIm[step] }
                }
            }
        }

        /// Moves z on exactly as `render` does, block by block, so a part
        /// made after a skip holds the same frames as the whole.
        mutating func skip(_ frames: Int) {
            let end = frame + frames
            for index in strikes.indices {
                for from in stride(from: max(frame, strikes[index].start), to: end, by: Self.block) {
                    advance(index, by: min(Self.block, end - from))
                }
            }
            frame = end
        }

        /// Moves a strike's oscillators on `count` frames: z(n + count) = z(n) w^count.
        private mutating func advance(_ index: Int, by count: Int) {
            func advance(_ oscillator: inout Oscillator) {
                let (re, im) = (oscillator.re, oscillator.im)
                let (powerRe, powerIm) = (Double(oscillator.powersRe[count]), Double(oscillator.powersIm[count]))
                oscillator.re = re * powerRe - im * powerIm
                oscillator.im = re * powerIm + im * powerRe
            }
            for oscillator in strikes[index].beating.indices { advance(&strikes[index].beating[oscillator]) }
            for oscillator in strikes[index].plain.indices { advance(&strikes[index].plain[oscillator]) }
        }
    }
}

import Glibc
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

    /// The sound for a fixed-length cue kind; silence for kinds that are not chimes.
    public static func sound(for kind: CueKind, rate: Int) -> Sound {
        guard let recipe = recipe(kind) else { return .silence }
        var values = [Float](repeating: 0, count: frames(for: kind, rate: rate))
        for (at, frequency) in recipe.strikes {
            strike(
                into: &values, at: Int(at * Double(rate)), fundamental: frequency, partials: recipe.partials,
                rate: rate, beat: recipe.beat)
        }
        // A 1.5 ms attack: fast as a strike, and the first frame already sounds.
        return Sound(
            mono: values, peak: recipe.peak, fadeIn: Fade.frames(milliseconds: 1.5, rate: rate),
            fadeOut: min(Fade.frames(milliseconds: 300, rate: rate), values.count / 3))
    }

    /// Adds one strike into `values` from frame `start`. Each partial is a
    /// damped oscillator stepped by complex rotation; the two lowest are
    /// doubled `beat` Hz apart so the sound shimmers.
    static func strike(
        into values: inout [Float], at start: Int, fundamental: Double, partials: [Partial], rate: Int,
        beat: Double
    ) {
        for (index, partial) in partials.enumerated() {
            let detunes = index < 2 && beat > 0 ? [-beat / 2, beat / 2] : [0.0]
            for detune in detunes {
                let omega = 2 * Double.pi * (fundamental * partial.ratio + detune) / Double(rate)
                let damping = exp(-1 / (partial.decay * Double(rate)))
                let stepRe = damping * cos(omega)
                let stepIm = damping * sin(omega)
                // Start at the top of a cosine, so the very first frame sounds.
                var re = partial.level / Double(detunes.count)
                var im = 0.0
                values.withUnsafeMutableBufferPointer { out in
                    for frame in start..<out.count {
                        out[frame] += Float(re)
                        (re, im) = (re * stepRe - im * stepIm, re * stepIm + im * stepRe)
                    }
                }
            }
        }
    }
}

import Glibc

/// The short sounds that answer a key, so a user with eyes closed knows it
/// was taken. Each has its own shape: two notes for pause and resume (down,
/// then up), glides for moving between poses, paired pips for the hold,
/// rhythms for the pace, a plain tone for the volume (heard at the new
/// level), a swell for the breathing tones, a low blip for a key that does
/// nothing. Plain sines, short, and off the chimes' notes, so an earcon is
/// never taken for a chime.
public enum Earcon: Sendable, CaseIterable {
    case pause, resume
    case next, back, previous
    case lengthen, shorten
    case faster, slower
    case volume
    case breathOn, breathOff
    case status
    case stop
    case refused

    /// One note: when it starts and how long it lasts (seconds), its pitch
    /// gliding from `from` to `to` (Hz), and its level.
    struct Note {
        var at: Double
        var length: Double
        var from: Double
        var to: Double
        var level: Double = 1
    }

    var notes: [Note] {
        switch self {
        case .pause: [Note(at: 0, length: 0.09, from: 415, to: 415), Note(at: 0.1, length: 0.14, from: 311, to: 311)]
        case .resume: [Note(at: 0, length: 0.09, from: 311, to: 311), Note(at: 0.1, length: 0.14, from: 415, to: 415)]
        case .next: [Note(at: 0, length: 0.1, from: 700, to: 1100)]
        case .back: [Note(at: 0, length: 0.1, from: 1100, to: 700)]
        case .previous: [Note(at: 0, length: 0.08, from: 1100, to: 760), Note(at: 0.1, length: 0.08, from: 990, to: 680)]
        case .lengthen: [Note(at: 0, length: 0.05, from: 1245, to: 1245), Note(at: 0.07, length: 0.05, from: 1661, to: 1661)]
        case .shorten: [Note(at: 0, length: 0.05, from: 1661, to: 1661), Note(at: 0.07, length: 0.05, from: 1245, to: 1245)]
        case .faster: (0..<3).map { Note(at: Double($0) * 0.06, length: 0.03, from: 1480, to: 1480) }
        case .slower: (0..<2).map { Note(at: Double($0) * 0.16, length: 0.05, from: 740, to: 740) }
        case .volume: [Note(at: 0, length: 0.12, from: 988, to: 988)]
        case .breathOn: [Note(at: 0, length: 0.25, from: 196, to: 294, level: 0.8)]
        case .breathOff: [Note(at: 0, length: 0.25, from: 294, to: 196, level: 0.8)]
        case .status: [Note(at: 0, length: 0.12, from: 1175, to: 1175)]
        case .stop: [Note(at: 0, length: 0.1, from: 415, to: 415), Note(at: 0.12, length: 0.1, from: 349, to: 349), Note(at: 0.24, length: 0.2, from: 277, to: 277)]
        case .refused: [Note(at: 0, length: 0.07, from: 180, to: 170, level: 0.7)]
        }
    }

    /// Peak level of every earcon: clear, and well under speech. A pack's
    /// earcon is brought to it too.
    public static let peak: Float = 0.25

    /// The longest earcon a pack may have: it answers a key, it is not a cue.
    public static let longestSeconds = 1.5

    /// What a pack's `sounds` calls this earcon: `earcon.pause`,
    /// `earcon.breath-on`, ... (lower case, as every pack key is).
    public var key: String {
        Self.keyPrefix + "\(self)".reduce(into: "") { key, letter in
            key += letter.isUppercase ? "-" + letter.lowercased() : String(letter)
        }
    }
    /// What every earcon's key in a pack begins with.
    public static let keyPrefix = "earcon."

    /// The earcon's sound at `rate`.
    public func sound(rate: Int) -> Sound {
        let notes = self.notes
        let seconds = notes.map { $0.at + $0.length }.max() ?? 0
        let frames = Int(seconds * Double(rate))
        return Sound(frames: frames, level: .peak(Self.peak), fadeIn: 1, fadeOut: 1) { Tones(notes: notes, rate: rate) }
    }

    /// Notes as sines, each with a 5 ms rise and a raised-cosine fall over the rest.
    struct Tones: Synthesizer {
        let notes: [Note]
        let rate: Double
        var frame = 0

        init(notes: [Note], rate: Int) {
            self.notes = notes
            self.rate = Double(rate)
        }

        var peakBound: Float { .infinity }

        mutating func skip(_ frames: Int) { frame += frames }

        mutating func render(into output: UnsafeMutableBufferPointer<Float>) {
            // The notes add to silence.
            output.update(repeating: 0)
            for note in notes {
                let start = Int(note.at * rate)
                let length = Int(note.length * rate)
                let rise = max(1, Int(0.005 * rate))
                let from = max(frame, start)
                let to = min(frame + output.count, start + length)
                guard from < to else { continue }
                // The phase of a linear glide, in closed form, is taken at
                // `from`; from there it turns by a step that itself grows by
                // a fixed angle each frame, so a frame costs no sine.
                func phase(_ t: Int) -> Double {
                    let t = Double(t)
                    return 2 * Double.pi * (note.from * t + (note.to - note.from) * t * t / (2 * Double(length))) / rate
                }
                let first = from - start
                var tone = Turn(angle: phase(first))
                var step = Turn(angle: phase(first + 1) - phase(first))
                let growth = Turn(angle: 2 * Double.pi * (note.to - note.from) / (Double(length) * rate))
                // The fall, `Fade.gain(length - 1 - t, of: length - rise)`, is 0.5 - 0.5 cos of an
                // angle that shrinks by a fixed step: taken where the fall starts, then turned.
                func fallAngle(_ t: Int) -> Double { Double.pi * Double(length - t) / Double(length - rise + 1) }
                var fall = Turn(angle: fallAngle(max(first, rise)))
                let fallStep = Turn(angle: -Double.pi / Double(length - rise + 1))
                for index in from..<to {
                    let t = index - start
                    let envelope: Double
                    if t < rise {
                        envelope = Double(Fade.gain(t, of: rise))
                    } else {
                        envelope = 0.5 - 0.5 * fall.cos
                        fall.turn(by: fallStep)
                    }
                    output[index - frame] += Float(note.level * envelope * tone.sin)
                    tone.turn(by: step)
                    step.turn(by: growth)
                }
            }
            frame += output.count
        }
    }
}

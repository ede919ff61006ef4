import Glibc

/// The short sounds that answer a key, so a user with eyes closed knows it
/// was taken. Each has its own shape: soft bells for pause and resume (down,
/// then up), glides for moving between poses, paired ticks for the hold,
/// rhythms for the pace, a plain tone for the volume (heard at the new
/// level), a swell for the breathing tones, a low blip for a key that does
/// nothing.
public enum Earcon: CaseIterable, Sendable {
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
        case .pause: [Note(at: 0, length: 0.09, from: 784, to: 784), Note(at: 0.1, length: 0.14, from: 523, to: 523)]
        case .resume: [Note(at: 0, length: 0.09, from: 523, to: 523), Note(at: 0.1, length: 0.14, from: 784, to: 784)]
        case .next: [Note(at: 0, length: 0.1, from: 600, to: 1000)]
        case .back: [Note(at: 0, length: 0.1, from: 1000, to: 600)]
        case .previous: [Note(at: 0, length: 0.08, from: 1000, to: 700), Note(at: 0.1, length: 0.08, from: 900, to: 600)]
        case .lengthen: [Note(at: 0, length: 0.05, from: 1200, to: 1200), Note(at: 0.07, length: 0.05, from: 1600, to: 1600)]
        case .shorten: [Note(at: 0, length: 0.05, from: 1600, to: 1600), Note(at: 0.07, length: 0.05, from: 1200, to: 1200)]
        case .faster: (0..<3).map { Note(at: Double($0) * 0.06, length: 0.03, from: 1400, to: 1400) }
        case .slower: (0..<2).map { Note(at: Double($0) * 0.16, length: 0.05, from: 700, to: 700) }
        case .volume: [Note(at: 0, length: 0.12, from: 880, to: 880)]
        case .breathOn: [Note(at: 0, length: 0.25, from: 196, to: 294, level: 0.8)]
        case .breathOff: [Note(at: 0, length: 0.25, from: 294, to: 196, level: 0.8)]
        case .status: [Note(at: 0, length: 0.12, from: 1047, to: 1047)]
        case .stop: [Note(at: 0, length: 0.1, from: 784, to: 784), Note(at: 0.12, length: 0.1, from: 659, to: 659), Note(at: 0.24, length: 0.2, from: 523, to: 523)]
        case .refused: [Note(at: 0, length: 0.07, from: 180, to: 170, level: 0.7)]
        }
    }

    /// Peak level of every earcon: clear, and well under speech.
    public static let peak: Float = 0.25

    /// The earcon's sound at `rate`.
    public func sound(rate: Int) -> Sound {
        let notes = self.notes
        let seconds = notes.map { $0.at + $0.length }.max() ?? 0
        let frames = Int(seconds * Double(rate))
        return Sound(frames: frames, peak: Self.peak, fadeIn: 1, fadeOut: 1) { Tones(notes: notes, rate: rate) }
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

        mutating func render(into output: UnsafeMutableBufferPointer<Float>) {
            for note in notes {
                let start = Int(note.at * rate)
                let length = Int(note.length * rate)
                let rise = max(1, Int(0.005 * rate))
                let from = max(frame, start)
                let to = min(frame + output.count, start + length)
                guard from < to else { continue }
                for index in from..<to {
                    let t = Double(index - start)
                    // Phase of a linear glide, in closed form.
                    let phase = 2 * Double.pi * (note.from * t + (note.to - note.from) * t * t / (2 * Double(length))) / rate
                    let envelope = t < Double(rise)
                        ? Double(Fade.gain(Int(t), of: rise))
                        : Double(Fade.gain(length - 1 - Int(t), of: length - rise))
                    output[index - frame] += Float(note.level * envelope * sin(phase))
                }
            }
            frame += output.count
        }
    }
}

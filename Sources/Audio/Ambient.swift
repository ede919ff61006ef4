import Glibc
import Packs

/// The ambient layer: a background sound looped under the whole session
/// (a pack's `ambient` file, or the built-in soft noise), faded in at the
/// start and out at the end, and ducked under the voice.
///
/// Both the loop and the envelope are worked out from the frame alone, so
/// any part of the session renders exactly as in the whole.
public enum Ambient {
    /// Where a pack's ambient sound is matched in loudness, 18 LU under the
    /// voice: a mono sound's measure, as the voice's is.
    public static let loudnessTarget = -38.0
    /// How far the bed goes down under a voice prompt, and how fast: down
    /// before the words start, back up after they end.
    public static let duckDecibels = 10.0
    static let duckAttackSeconds = 0.3
    static let duckReleaseSeconds = 0.8
    /// The fades at the session's start and end.
    static let fadeSeconds = 4.0
    /// The crossfade that joins a loop's end to its start, at most.
    static let seamSeconds = 2.0
    /// The length of the built-in noise's loop.
    static let noiseSeconds = 30.0
    /// The shortest ambient sound a pack may have: a shorter one would
    /// repeat as a tone, not a background.
    public static let shortestSeconds = 2.0
}

/// What the ambient layer loops: `frames` frames, each copy's start
/// crossfaded (equal power) with what follows the loop in the raw sound, so
/// the end of one copy runs on into the start of the next without a click.
public struct AmbientLoop: Sendable {
    /// Where the raw sound comes from.
    public enum Source: Sendable {
        /// A pack's file, at its matched gain.
        case file(FileSound)
        /// The built-in soft noise.
        case noise
    }

    public let source: Source
    /// Frames per copy of the loop, at the session rate.
    public let frames: Int64
    /// Frames of the seam's crossfade, at the start of each copy.
    let seam: Int64

    /// A loop of a raw sound `rawFrames` long: the seam takes a tenth of it,
    /// up to `Ambient.seamSeconds`, from its end.
    init(source: Source, rawFrames: Int64, rate: Int) {
        self.source = source
        seam = min(rawFrames / 10, Int64(Ambient.seamSeconds * Double(rate)))
        frames = rawFrames - seam
    }

    /// The frames `part` of one copy, given `raw`, which reads frames of the
    /// raw sound: the seam mixes the raw start (fading in) with the raw
    /// frames after the loop's end (fading out).
    func sound(part: Range<Int64>, raw: (Range<Int64>) throws(SoundError) -> Sound) throws(SoundError) -> Sound {
        var sound = try raw(part)
        guard part.lowerBound < seam else { return sound }
        let overlap = part.lowerBound..<min(part.upperBound, seam)
        let tail = try raw(frames + overlap.lowerBound..<frames + overlap.upperBound)
        let channels = sound.channels
        for frame in overlap {
            // Equal power: the two ends are unrelated sound, as rain or wind is.
            let angle = Double(frame) / Double(seam) * Double.pi / 2
            let (rising, falling) = (sin(angle), cos(angle))
            for channel in 0..<channels {
                let at = Int(frame - part.lowerBound) * channels + channel
                let from = Int(frame - overlap.lowerBound) * tail.channels + min(channel, tail.channels - 1)
                let mixed = Double(sound.samples[at]) * rising + Double(tail.samples[from]) * falling
                sound.samples[at] = Int16(clamping: Int(mixed.rounded()))
            }
        }
        return sound
    }
}

/// The built-in ambient sound: a soft, dark noise, stereo, made from a
/// counter-based generator and moving averages, so any range of it can be
/// made without the frames before it.
enum SoftNoise {
    /// Level of the noise in 16-bit units: heard as loud as a pack's bed
    /// matched to `Ambient.loudnessTarget` (the noise is stereo, so it
    /// measures 3 LU over that mono measure).
    static let amplitude = 2_100.0
    /// Widths of the two moving averages: a dark rumble and a softer hiss.
    static let wide = 96
    static let narrow = 12

    /// The frames `range` of the noise, at any rate (its colour is set in frames).
    static func sound(_ range: Range<Int64>) -> Sound {
        var samples = [Int16](repeating: 0, count: range.count * 2)
        for channel in 0..<2 {
            var wideSum = 0.0
            var narrowSum = 0.0
            for back in 1...wide { wideSum += white(range.lowerBound - Int64(back), channel) }
            for back in 1...narrow { narrowSum += white(range.lowerBound - Int64(back), channel) }
            for frame in range {
                let now = white(frame, channel)
                wideSum += now - white(frame - Int64(wide), channel)
                narrowSum += now - white(frame - Int64(narrow), channel)
                let value = (wideSum / Double(wide) * 3 + narrowSum / Double(narrow) * 0.5) * amplitude
                samples[Int(frame - range.lowerBound) * 2 + channel] = Int16(clamping: Int(value.rounded()))
            }
        }
        return Sound(channels: 2, samples: samples)
    }

    /// White noise in [-1, 1) for a frame and channel: SplitMix64 of both.
    private static func white(_ frame: Int64, _ channel: Int) -> Double {
        let z = StableHash.splitMix64(UInt64(bitPattern: frame) &* 2 &+ UInt64(channel) &+ StableHash.golden)
        return Double(z >> 11) / Double(1 << 52) - 1
    }
}

/// The ambient layer's gain at each session frame: faded in and out at the
/// session's ends, and down `Ambient.duckDecibels` under every voice prompt,
/// reached over an attack before the words and left over a release after.
struct AmbientEnvelope: Sendable {
    private let sessionFrames: Int64
    private let fade: Int64
    private let duck: Duck

    init(voice: [Range<Int64>], sessionFrames: Int64, rate: Int) {
        self.sessionFrames = sessionFrames
        fade = Int64(Ambient.fadeSeconds * Double(rate))
        duck = Duck(
            under: voice, decibels: Ambient.duckDecibels, attackSeconds: Ambient.duckAttackSeconds,
            releaseSeconds: Ambient.duckReleaseSeconds, rate: rate)
    }

    /// The linear gain at session frame `frame`.
    func gain(at frame: Int64) -> Float {
        let edge = min(frame, sessionFrames - frame)
        let faded: Float = edge >= fade ? 1 : edge <= 0 ? 0 : Float(sin(Double(edge) / Double(fade) * Double.pi / 2))
        return faded * duck.gain(at: frame)
    }
}

import Audio
import Output
/// A spoken take (from a speech engine or a microphone) made ready for a
/// voice pack: mono at 24 kHz, levelled to the voice's loudness target, and
/// the silence at both ends trimmed to a little air.
public enum VoiceTake {
    /// The rate voice packs are written at: speech needs no more.
    public static let rate = 24_000
    /// A 10 ms block quieter than this (RMS, -50 dBFS) is silence.
    public static let silenceLevel: Float = 0.00316
    /// Silence kept before the first word and after the last (seconds).
    public static let air = 0.06

    /// `take` (at `rate`) as mono at `VoiceTake.rate`, levelled to
    /// `Loudness.voiceTarget` (never beyond -1 dBFS), then trimmed: silence
    /// is told from words at that level, so a quiet take keeps as much air
    /// as a loud one. `nil` when it holds nothing but silence.
    public static func shape(_ take: Sound, rate: Int) throws(SoundError) -> Sound? {
        try shape(mono: mono(take), rate: rate)
    }

    /// The same for mono samples in [-1, 1] at `rate`.
    public static func shape(mono samples: [Float], rate: Int) throws(SoundError) -> Sound? {
        var mono = samples
        if rate != Self.rate {
            mono = []
            let resampler = try Resampler(from: rate, to: Self.rate, channels: 1)
            // The closure returns its error rather than throwing it: Swift 6.0
            // passes no typed error through `withUnsafeBufferPointer`.
            try samples.withUnsafeBufferPointer { input in
                Result { () throws(SoundError) in try resampler.process(input) { mono += $0 } }
            }.get()
            try resampler.flush { mono += $0 }
        }
        let rate = Self.rate
        // Levelled roughly first, so silence is told from words at the voice's level, however loud the take.
        let loudness = try Loudness(of: Sound(channels: 1, samples: mono.map { PCM16.quantize($0) }), rate: rate)
        guard loudness.integrated.isFinite else { return nil }
        let gain = Float(decibels: min(Loudness.voiceTarget - loudness.integrated, -1 - loudness.peak))
        let levelled = mono.map { $0 * gain }
        guard let spoken = spokenFrames(levelled, rate: rate) else { return nil }
        // The air around the words: what the take has, made up with silence where it has less.
        let pad = Int(air * Double(rate))
        let kept = max(0, spoken.lowerBound - pad)..<min(levelled.count, spoken.upperBound + pad)
        let before = [Float](repeating: 0, count: pad - (spoken.lowerBound - kept.lowerBound))
        let after = [Float](repeating: 0, count: pad - (kept.upperBound - spoken.upperBound))
        let trimmed = before + Array(levelled[kept]) + after
        let edge = Fade.frames(milliseconds: 5, rate: rate)
        func sound(gain: Float) -> Sound {
            var sound = Sound(channels: 1, samples: trimmed.map { PCM16.quantize($0 * gain) })
            sound.fade(in: edge, out: edge)
            return sound
        }
        // Measured again as it will be heard: the silence cut away counted in R128's blocks.
        let heard = try Loudness(of: sound(gain: 1), rate: rate)
        return sound(gain: Float(decibels: min(Loudness.voiceTarget - heard.integrated, -1 - heard.peak)))
    }

    /// The frames from the first 10 ms block louder than `silenceLevel` to
    /// the end of the last; `nil` when there is none.
    public static func spokenFrames(_ samples: [Float], rate: Int) -> Range<Int>? {
        let block = max(1, rate / 100)
        let loud = stride(from: 0, to: samples.count, by: block).filter { start in
            blockLevel(samples[start..<min(samples.count, start + block)]) > silenceLevel
        }
        guard let first = loud.first, let last = loud.last else { return nil }
        return first..<min(samples.count, last + block)
    }

    /// The RMS level of `samples`.
    public static func blockLevel(_ samples: ArraySlice<Float>) -> Float {
        guard !samples.isEmpty else { return 0 }
        let energy = samples.reduce(Float(0)) { $0 + $1 * $1 }
        return (energy / Float(samples.count)).squareRoot()
    }

    /// The channels of `sound` averaged, as floats in [-1, 1].
    public static func mono(_ sound: Sound) -> [Float] {
        guard sound.channels == 2 else { return sound.samples.map { Float($0) / PCM16.fullScale } }
        return (0..<sound.frames).map { (Float(sound.samples[2 * $0]) + Float(sound.samples[2 * $0 + 1])) / (2 * PCM16.fullScale) }
    }
}

import Glibc
import Output

/// A sound in memory at the session rate: interleaved 16-bit samples, one or
/// two channels.
///
/// Sixteen bits hold everything Stretchcue plays (speech recorded at 16 bits,
/// chimes and tones well above the noise floor) in half the memory of floats;
/// the mix itself is done in floats.
public struct Sound: Sendable {
    /// 1 (mono) or 2 (stereo).
    public var channels: Int
    /// Interleaved samples, `frames * channels` of them.
    public var samples: [Int16]

    public init(channels: Int, samples: [Int16]) {
        precondition(channels == 1 || channels == 2, "a sound is mono or stereo")
        self.channels = channels
        self.samples = samples
    }

    /// No sound at all.
    public static let silence = Sound(channels: 1, samples: [])

    public var frames: Int { samples.count / channels }

    /// Shapes the first `fadeIn` and last `fadeOut` frames with a raised
    /// cosine, so the sound starts and ends without a click.
    public mutating func fade(in fadeIn: Int, out fadeOut: Int) {
        fade(in: fadeIn, out: fadeOut, asPart: 0..<Int64(frames), of: Int64(frames))
    }

    /// The same fades for a sound that is `part` of a longer one of `total`
    /// frames: only the frames of the whole's fades that fall in the part.
    public mutating func fade(in fadeIn: Int, out fadeOut: Int, asPart part: Range<Int64>, of total: Int64) {
        let fadeIn = Int64(min(Int64(fadeIn), total))
        let fadeOut = Int64(min(Int64(fadeOut), total))
        for whole in part.clamped(to: 0..<fadeIn) {
            scale(frame: Int(whole - part.lowerBound), by: Fade.gain(Int(whole), of: Int(fadeIn)))
        }
        for whole in part.clamped(to: total - fadeOut..<total) {
            scale(frame: Int(whole - part.lowerBound), by: Fade.gain(Int(total - 1 - whole), of: Int(fadeOut)))
        }
    }

    /// Scales every sample by `gain` (linear), rounding to 16 bits.
    public mutating func scale(by gain: Float) {
        for index in samples.indices { samples[index] = PCM16.quantize(Float(samples[index]) * gain / PCM16.fullScale) }
    }

    private mutating func scale(frame: Int, by gain: Float) {
        for channel in 0..<channels {
            let index = frame * channels + channel
            samples[index] = PCM16.quantize(Float(samples[index]) * gain / PCM16.fullScale)
        }
    }
}

/// The raised-cosine fade used on every sound edge.
public enum Fade {
    /// The gain of frame `index` (from 0) of a fade-in `length` frames long:
    /// rises from just above 0 to just below 1 along half a cosine, so the
    /// first frame of a sound is already (barely) audible.
    @inline(__always)
    public static func gain(_ index: Int, of length: Int) -> Float {
        Float(0.5 - 0.5 * cos(Double.pi * Double(index + 1) / Double(length + 1)))
    }

    /// Hands `body` the gains of the frames `indices` of a fade-in `length`
    /// long, in order: `gain`'s values to within a rounding, at a call to
    /// `cos` and `sin` every 64 frames instead of a `cos` every frame. Each
    /// 64th frame's angle comes from the formula and the frames after it are
    /// turned from it, so a frame's gain is the same whichever run it is in
    /// (a part of a sound fades exactly as the whole does).
    @inline(__always)
    public static func forEachGain(in indices: Range<Int>, of length: Int, _ body: (Int, Float) -> Void) {
        guard !indices.isEmpty else { return }
        precondition(indices.lowerBound >= 0, "a fade's frames count from 0")
        let step = Double.pi / Double(length + 1)
        let turn = Turn(angle: step)
        var index = indices.lowerBound
        while index < indices.upperBound {
            let anchor = index - index % anchorSpacing
            var angle = Turn(angle: step * Double(anchor + 1))
            for _ in anchor..<index { angle.turn(by: turn) }
            for frame in index..<min(indices.upperBound, anchor + anchorSpacing) {
                body(frame, Float(0.5 - 0.5 * angle.cos))
                angle.turn(by: turn)
            }
            index = min(indices.upperBound, anchor + anchorSpacing)
        }
    }

    /// Frames between angles taken from the formula in `forEachGain`.
    static let anchorSpacing = 64

    /// Frames in `milliseconds` at `rate`.
    public static func frames(milliseconds: Double, rate: Int) -> Int {
        Int((milliseconds * Double(rate) / 1000).rounded())
    }
}

extension Sound {
    /// Writes the sound whole to a new 16-bit file at `path`, at `sampleRate`.
    public func write(to path: String, sampleRate: Int) throws {
        let sink = try FileSink(path: path, sampleRate: sampleRate, channels: channels)
        let floats = samples.map { Float($0) / PCM16.fullScale }
        try floats.withUnsafeBufferPointer { try sink.write($0, frames: frames) }
        try sink.finish()
    }
}

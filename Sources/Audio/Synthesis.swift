import Glibc
import Output

/// A sound computed frame by frame, in order: a bell's oscillators, a
/// breathing tone's glide.
protocol Synthesizer {
    /// Writes the next `output.count` frames (mono, at most `Sound.synthesisChunk`),
    /// every one of them, whatever was there, continuing from where the
    /// last call stopped.
    mutating func render(into output: UnsafeMutableBufferPointer<Float>)
    /// Moves on `frames` frames (at most `Sound.synthesisChunk`) without
    /// writing them, leaving exactly the state `render` would: cheaper, for
    /// a part of a sound that starts later.
    mutating func skip(_ frames: Int)
    /// No frame from here on is louder than this (absolute value).
    var peakBound: Float { get }
}

/// An angle held as its cosine and sine, turned by adding another: a
/// synthesizer steps a sine by rotation, frame by frame, with no call to
/// `sin` (the error after a chunk's steps is far below 16 bits).
struct Turn {
    var cos: Double
    var sin: Double

    init(angle: Double) {
        cos = Glibc.cos(angle)
        sin = Glibc.sin(angle)
    }

    @inline(__always)
    mutating func turn(by other: Turn) {
        (cos, sin) = (cos * other.cos - sin * other.sin, sin * other.cos + cos * other.sin)
    }
}

/// How loud a synthesized sound is made.
enum SynthesisLevel {
    /// Scaled so its loudest frame is at this level: a pass over the sound
    /// finds that frame first.
    case peak(Float)
    /// Scaled by this gain, no pass needed: for a synthesizer whose loudest
    /// frame is known in advance.
    case gain(Float)
}

extension Sound {
    /// Frames synthesized at a time.
    static let synthesisChunk = 4096

    /// Synthesizes a mono sound `frames` long at `level`, with raised-cosine
    /// fades, quantized to 16 bits; only the frames of `part` are kept (all
    /// of them by default). A part is exactly those frames of the whole: the
    /// synthesizer skips, chunk by chunk, to the chunk where the part begins.
    ///
    /// Runs the synthesizer a chunk at a time, twice for a `.peak` level: once
    /// to find its peak, once to write the samples, so no full-length float
    /// copy is ever held.
    init<S: Synthesizer>(
        frames: Int, level: SynthesisLevel, fadeIn: Int, fadeOut: Int, part: Range<Int>? = nil,
        synthesizer make: () -> S
    ) {
        let part = (part ?? 0..<frames).clamped(to: 0..<frames)
        let gain: Float
        switch level {
        case .gain(let fixed): gain = fixed
        case .peak(let peak): gain = Self.gain(toPeak: peak, frames: frames, synthesizer: make)
        }
        let fadeIn = min(fadeIn, frames)
        let fadeOut = min(fadeOut, frames)
        // The level and the 16-bit full scale in one multiplication.
        let scale = gain * PCM16.fullScale
        // Every frame is written below: no need to clear the storage first.
        let samples = [Int16](unsafeUninitializedCapacity: part.count) { output, initialized in
            Self.synthesize(from: part.lowerBound, through: part.upperBound, frames: frames, make) { start, chunk in
                let first = max(start, part.lowerBound)
                let end = min(start + chunk.count, part.upperBound)
                guard first < end else { return }
                // Both indexed by the frame of the whole sound: no arithmetic
                // that could overflow (and so trap) inside the loop, which vectorizes.
                let source = chunk.baseAddress! - start
                let target = output.baseAddress! - part.lowerBound
                Fade.forEachGain(in: first..<max(first, min(end, fadeIn)), of: fadeIn) { frame, fade in source[frame] *= fade }
                // A fade-out's gains count back from the last frame.
                let fadingOut = min(max(first, frames - fadeOut), end)..<end
                Fade.forEachGain(in: frames - fadingOut.upperBound..<frames - fadingOut.lowerBound, of: fadeOut) { back, fade in
                    source[frames - 1 - back] *= fade
                }
                for frame in first..<end { target[frame] = PCM16.quantize(scaled: source[frame] * scale) }
            }
            initialized = part.count
        }
        self.init(channels: 1, samples: samples)
    }

    /// The gain that puts the loudest frame of a synthesized sound at
    /// `peak`: a pass over the sound that stops once nothing later can be
    /// louder (a bell's is over in a chunk).
    static func gain<S: Synthesizer>(toPeak peak: Float, frames: Int, synthesizer make: () -> S) -> Float {
        var loudest: Float = 0
        synthesize(from: 0, through: frames, frames: frames, until: { $0.peakBound <= loudest }, make) { _, chunk in
            for value in chunk { loudest = max(loudest, abs(value)) }
        }
        return loudest > 0 ? peak / loudest : 0
    }

    /// Runs a fresh synthesizer over the chunks of [`from`, `end`) of a sound
    /// `frames` long, skipping the chunks wholly before `from`, handing each
    /// rendered chunk and its first frame to `body`; stops early once `enough`.
    private static func synthesize<S: Synthesizer>(
        from: Int, through end: Int, frames: Int, until enough: (S) -> Bool = { _ in false }, _ make: () -> S,
        _ body: (Int, UnsafeMutableBufferPointer<Float>) -> Void
    ) {
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: synthesisChunk)
        defer { buffer.deallocate() }
        var synthesizer = make()
        var done = 0
        while done < end, !enough(synthesizer) {
            let count = min(synthesisChunk, frames - done)
            if done + count <= from {
                synthesizer.skip(count)
            } else {
                let chunk = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
                synthesizer.render(into: chunk)
                body(done, chunk)
            }
            done += count
        }
    }
}

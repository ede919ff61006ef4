/// A sound computed frame by frame, in order: a bell's oscillators, a
/// breathing tone's glide.
protocol Synthesizer {
    /// Writes the next `output.count` frames (mono, at most `Sound.synthesisChunk`),
    /// adding to what is there, continuing from where the last call stopped.
    mutating func render(into output: UnsafeMutableBufferPointer<Float>)
    /// Moves on `frames` frames (at most `Sound.synthesisChunk`) without
    /// writing them, leaving exactly the state `render` would: cheaper, for
    /// a part of a sound that starts later.
    mutating func skip(_ frames: Int)
    /// No frame from here on is louder than this (absolute value).
    var peakBound: Float { get }
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
        let chunk = Self.synthesisChunk
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        /// Renders the chunks of [`from`, `end`), skipping those before.
        func pass(
            from: Int, through end: Int, until enough: (S) -> Bool = { _ in false },
            _ body: (Int, UnsafeMutableBufferPointer<Float>) -> Void
        ) {
            var synthesizer = make()
            var done = 0
            while done < end, !enough(synthesizer) {
                let count = min(chunk, frames - done)
                if done + count <= from {
                    synthesizer.skip(count)
                } else {
                    let part = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
                    part.update(repeating: 0)
                    synthesizer.render(into: part)
                    body(done, part)
                }
                done += count
            }
        }
        let gain: Float
        switch level {
        case .gain(let fixed):
            gain = fixed
        case .peak(let peak):
            var loudest: Float = 0
            // The peak pass stops once nothing later can be louder: a bell's is over in a chunk.
            pass(from: 0, through: frames, until: { $0.peakBound <= loudest }) { _, chunk in
                for value in chunk { loudest = max(loudest, abs(value)) }
            }
            gain = loudest > 0 ? peak / loudest : 0
        }
        let fadeIn = min(fadeIn, frames)
        let fadeOut = min(fadeOut, frames)
        var samples = [Int16](repeating: 0, count: part.count)
        samples.withUnsafeMutableBufferPointer { output in
            pass(from: part.lowerBound, through: part.upperBound) { start, chunk in
                for (offset, value) in chunk.enumerated() where part.contains(start + offset) {
                    let frame = start + offset
                    var level = gain
                    if frame < fadeIn { level *= Fade.gain(frame, of: fadeIn) }
                    if frame >= frames - fadeOut { level *= Fade.gain(frames - 1 - frame, of: fadeOut) }
                    output[frame - part.lowerBound] = Sound.quantize(value * level)
                }
            }
        }
        self.init(channels: 1, samples: samples)
    }
}

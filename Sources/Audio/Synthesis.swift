/// A sound computed frame by frame, in order: a bell's oscillators, a
/// breathing tone's glide.
protocol Synthesizer {
    /// Writes the next `output.count` frames (mono, at most `Sound.synthesisChunk`),
    /// adding to what is there, continuing from where the last call stopped.
    mutating func render(into output: UnsafeMutableBufferPointer<Float>)
    /// No frame from here on is louder than this (absolute value).
    var peakBound: Float { get }
}

extension Sound {
    /// Frames synthesized at a time.
    static let synthesisChunk = 4096

    /// Synthesizes a mono sound `frames` long, normalized to `peak`, with
    /// raised-cosine fades, quantized to 16 bits.
    ///
    /// Runs the synthesizer twice, a chunk at a time: once to find its peak,
    /// once to write the samples, so no full-length float copy is ever held.
    init<S: Synthesizer>(frames: Int, peak: Float, fadeIn: Int, fadeOut: Int, synthesizer make: () -> S) {
        let chunk = Self.synthesisChunk
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        /// Renders chunk after chunk until the end, or until `enough` says so.
        func pass(
            until enough: (S) -> Bool = { _ in false }, _ body: (Int, UnsafeMutableBufferPointer<Float>) -> Void
        ) {
            var synthesizer = make()
            var done = 0
            while done < frames, !enough(synthesizer) {
                let part = UnsafeMutableBufferPointer(rebasing: buffer[0..<min(chunk, frames - done)])
                part.update(repeating: 0)
                synthesizer.render(into: part)
                body(done, part)
                done += part.count
            }
        }
        var loudest: Float = 0
        // The peak pass stops once nothing later can be louder: a bell's is over in a chunk.
        pass(until: { $0.peakBound <= loudest }) { _, part in for value in part { loudest = max(loudest, abs(value)) } }
        let gain = loudest > 0 ? peak / loudest : 0
        let fadeIn = min(fadeIn, frames)
        let fadeOut = min(fadeOut, frames)
        var samples = [Int16](repeating: 0, count: frames)
        samples.withUnsafeMutableBufferPointer { output in
            pass { start, part in
                for (offset, value) in part.enumerated() {
                    let frame = start + offset
                    var level = gain
                    if frame < fadeIn { level *= Fade.gain(frame, of: fadeIn) }
                    if frame >= frames - fadeOut { level *= Fade.gain(frames - 1 - frame, of: fadeOut) }
                    output[frame] = Sound.quantize(value * level)
                }
            }
        }
        self.init(channels: 1, samples: samples)
    }
}

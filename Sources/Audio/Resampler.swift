import CSoxr

/// A libsoxr stream at its high quality: float frames in at one rate, out at another.
public final class Resampler {
    private let stream: soxr_t
    private let channels: Int
    private let ratio: Double
    private var output: [Float]

    /// Fails only if libsoxr refuses the rates; the error's `file` is empty,
    /// since the caller knows which file is being read.
    public init(from inputRate: Int, to outputRate: Int, channels: Int) throws(SoundError) {
        var failure: soxr_error_t?
        var ioSpec = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        guard
            let stream = soxr_create(
                Double(inputRate), Double(outputRate), UInt32(channels), &failure, &ioSpec, &quality, nil),
            failure == nil
        else {
            throw SoundError(file: "", message: "soxr_create: \(failure.map { String(cString: $0) } ?? "failed")")
        }
        self.stream = stream
        self.channels = channels
        ratio = Double(outputRate) / Double(inputRate)
        output = []
    }

    deinit { soxr_delete(stream) }

    /// Resamples `input` (interleaved frames) and hands what comes out to `sink`.
    public func process(_ input: UnsafeBufferPointer<Float>, into sink: (UnsafeBufferPointer<Float>) -> Void) throws(SoundError) {
        var consumed = 0
        let frames = input.count / channels
        let room = Int(Double(frames) * ratio) + 256
        if output.count < room * channels { output = [Float](repeating: 0, count: room * channels) }
        repeat {
            var used = 0
            var made = 0
            let failure = output.withUnsafeMutableBufferPointer { out in
                soxr_process(
                    stream, input.baseAddress! + consumed * channels, frames - consumed, &used, out.baseAddress, room,
                    &made)
            }
            if let failure { throw SoundError(file: "", message: "soxr_process: \(String(cString: failure))") }
            consumed += used
            output.withUnsafeBufferPointer { sink(UnsafeBufferPointer(rebasing: $0[0..<made * channels])) }
            if used == 0 && made == 0 { break }
        } while consumed < frames
    }

    /// Drains what the filter still holds at the end of the input.
    public func flush(into sink: (UnsafeBufferPointer<Float>) -> Void) throws(SoundError) {
        let room = 4096
        if output.count < room * channels { output = [Float](repeating: 0, count: room * channels) }
        while true {
            var made = 0
            let failure = output.withUnsafeMutableBufferPointer { out in
                soxr_process(stream, nil, 0, nil, out.baseAddress, room, &made)
            }
            if let failure { throw SoundError(file: "", message: "soxr_process: \(String(cString: failure))") }
            guard made > 0 else { return }
            output.withUnsafeBufferPointer { sink(UnsafeBufferPointer(rebasing: $0[0..<made * channels])) }
        }
    }
}

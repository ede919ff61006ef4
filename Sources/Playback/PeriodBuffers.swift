import Output

/// One period of float samples (and two more renderings to blend into it)
/// and the same in the device's format: allocated once per device open,
/// never in the loop. A float device takes the samples as they are: its
/// bytes are the samples' memory, and encoding them is nothing to do.
final class PeriodBuffers {
    let frames: Int
    let format: DeviceFormat
    /// The period being made.
    let samples: UnsafeMutableBufferPointer<Float>
    /// Renderings to blend into `samples`: another gain, the place being left.
    let other: UnsafeMutableBufferPointer<Float>
    let third: UnsafeMutableBufferPointer<Float>
    /// The period in the device's sample format.
    let bytes: UnsafeMutableRawPointer
    /// Whether `bytes` is `samples` (a float device).
    private var bytesAreSamples: Bool { format.sampleFormat == .float }

    init(_ format: DeviceFormat) {
        self.format = format
        frames = format.periodFrames
        samples = .allocate(capacity: frames * format.channels)
        other = .allocate(capacity: frames * format.channels)
        third = .allocate(capacity: frames * format.channels)
        bytes =
            format.sampleFormat == .float
            ? UnsafeMutableRawPointer(samples.baseAddress!)
            : .allocate(byteCount: frames * format.bytesPerFrame, alignment: 16)
    }

    deinit {
        samples.deallocate()
        other.deallocate()
        third.deallocate()
        if !bytesAreSamples { bytes.deallocate() }
    }

    /// Fills the float and device buffers with silence.
    func silence() {
        samples.update(repeating: 0)
        if !bytesAreSamples { bytes.initializeMemory(as: UInt8.self, repeating: 0, count: frames * format.bytesPerFrame) }
    }

    /// Converts the first `count` frames to the device's format.
    func encode(count: Int) {
        guard !bytesAreSamples else { return }
        format.sampleFormat.encode(UnsafeBufferPointer(rebasing: samples[0..<count * format.channels]), into: bytes)
    }
}

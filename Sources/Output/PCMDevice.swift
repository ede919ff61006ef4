/// An open playback device: the few raw calls the stream makes, with ALSA's
/// conventions (frame counts, or a negative errno).
///
/// `ALSADevice` is the real one; tests use scripted ones to inject faults.
public protocol PCMDevice: AnyObject {
    /// What the device granted.
    var format: DeviceFormat { get }
    /// Writes up to `frames` interleaved frames in `format`; returns the
    /// frames taken, or a negative errno (`-EPIPE`, `-ESTRPIPE`, `-ENODEV`...).
    func write(_ bytes: UnsafeRawPointer, frames: Int) -> Int
    /// Makes the stream ready to start again after an underrun or a failed resume.
    func prepare() -> Int32
    /// Resumes after a suspend: 0, `-EAGAIN` while not ready yet, or another error.
    func resume() -> Int32
    /// Frames written but not heard yet, or a negative errno.
    func delay() -> Int
    /// Plays out what is buffered, then stops.
    func drain()
    /// Closes the device; it is not used again.
    func close()
}

/// Opens devices: ALSA in life, scripted devices in tests.
public protocol PCMOpener: Sendable {
    func open(_ request: DeviceRequest) throws(DeviceError) -> any PCMDevice
}

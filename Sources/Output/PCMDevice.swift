import SystemCalls
/// An open playback device: the few raw calls the stream makes. No call
/// waits for the device except `waitForRoom`, which a wake-up interrupts,
/// so a device that hangs can never hold up the thread that writes to it.
///
/// `ALSADevice` is the real one; tests use scripted ones to inject faults.
public protocol PCMDevice: AnyObject {
    /// What the device granted.
    var format: DeviceFormat { get }
    /// Writes up to `frames` interleaved frames in `format` without waiting;
    /// returns the frames taken, 0 when the device has no room now.
    func write(_ bytes: UnsafeRawPointer, frames: Int) throws(DeviceError) -> Int
    /// Waits until the device has room, `wakeUp` is signalled, or `timeout` has passed.
    func waitForRoom(upTo timeout: Duration, wakeUp: WakeUp) -> DeviceWait
    /// Makes the stream ready to start again after an underrun or a failed resume.
    func prepare() throws(DeviceError)
    /// Resumes after a suspend: `false` while the device is not ready yet.
    func resume() throws(DeviceError) -> Bool
    /// Frames written but not heard yet; 0 when the device cannot tell.
    func delay() -> Int
    /// Stops at once, dropping what is queued.
    func drop()
    /// Closes the device; it is not used again.
    func close()
    /// Frames written and not played yet that can be taken back safely.
    func rewindable() -> Int
    /// Takes back the newest `frames` frames written, all of them or none;
    /// the next write goes where the first of them was.
    func rewind(_ frames: Int) -> Bool
}

extension PCMDevice {
    /// A device that cannot take frames back.
    public func rewindable() -> Int { 0 }
    public func rewind(_ frames: Int) -> Bool { false }
}

/// How a wait for room ended.
public enum DeviceWait: Equatable, Sendable {
    /// The device can take frames, or has an error for the next write to report.
    case ready
    /// The wake-up was signalled.
    case woken
    /// Neither, within the time allowed.
    case timedOut
}

/// Opens devices: ALSA in life, scripted devices in tests.
public protocol PCMOpener: Sendable {
    func open(_ request: DeviceRequest) throws(DeviceError) -> any PCMDevice
}

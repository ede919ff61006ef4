import Foundation
import Glibc
import Output
import Synchronization
import SystemCalls
import TestSupport

/// A playback device that stores what it is given and fails on a script:
/// fault injection for the recovery policy, with no sound card and no sleeping.
final class ScriptedDevice: PCMDevice {
    /// Takes frames as fast as they come; says it keeps real time only when told to.
    let format: DeviceFormat

    init(sampleRate: Int = 48_000, keepsTime: Bool = false) {
        format = DeviceFormat(
            sampleRate: sampleRate, channels: 2, sampleFormat: .float, periodFrames: 1200, bufferFrames: 4800,
            keepsTime: keepsTime)
    }

    /// When each write call came, on the monotonic clock.
    private(set) var writeTimes: [ContinuousClock.Instant] = []
    /// Each write takes up to this long, at random, as a busy device may.
    var slowestWrite = Duration.zero
    private var random = SplitMix(seed: 7)
    /// Every frame taken, as float samples.
    private(set) var written: [Float] = []
    /// Errors to return, by write call (from 0): `EPIPE`, `ESTRPIPE`, `ENODEV`...
    var faults: [Int: Int32] = [:]
    /// What `resume` returns, in turn; 0 once the list is used up.
    var resumeResults: [Int32] = []
    /// At most this many frames are taken per call, to exercise short writes.
    var largestWrite = 1000
    private(set) var writeCalls = 0
    /// Called at the start of each write with its number, to act at a known point of the stream.
    var onWrite: ((Int) -> Void)?
    /// Frames taken so far.
    var framesTaken: Int { written.count / format.channels }
    private(set) var prepares = 0
    private(set) var dropped = false
    /// Closed, perhaps on another thread.
    var closed: Bool { closedFlag.load(ordering: .acquiring) }
    private let closedFlag = Atomic<Bool>(false)

    /// From this write call on, the device takes nothing, as a hung sound server.
    var hangsFrom = Int.max
    /// From this write call on, every other write fails as an underrun, the
    /// writes between taking their frames (or every write, with
    /// `takesNothingDry`): ALSA's PipeWire plugin once its server was killed.
    var runsDryFrom = Int.max
    var takesNothingDry = false
    /// Called on the first wait for room once hung.
    var onHang: (() -> Void)?
    private var hangReported = false

    func write(_ bytes: UnsafeRawPointer, frames: Int) throws(DeviceError) -> Int {
        writeTimes.append(.now)
        if slowestWrite > .zero {
            var pause = timespec(tv_sec: 0, tv_nsec: Int(random.next() % UInt64(slowestWrite.components.attoseconds / 1_000_000_000)))
            nanosleep(&pause, nil)
        }
        onWrite?(writeCalls)
        defer { writeCalls += 1 }
        if let fault = faults[writeCalls] { throw Self.error("snd_pcm_writei", fault) }
        if writeCalls >= runsDryFrom, takesNothingDry || (writeCalls - runsDryFrom) % 2 == 0 {
            throw Self.error("snd_pcm_writei", EPIPE)
        }
        if writeCalls >= hangsFrom { return 0 }
        let taken = min(frames, largestWrite)
        written += UnsafeBufferPointer(start: bytes.assumingMemoryBound(to: Float.self), count: taken * format.channels)
        return taken
    }

    /// Ready at once, unless hung: then a real wait on the wake-up.
    func waitForRoom(upTo timeout: Duration, wakeUp: WakeUp) -> DeviceWait {
        guard writeCalls > hangsFrom else { return .ready }
        if !hangReported {
            hangReported = true
            onHang?()
        }
        return wakeUp.wait(upTo: timeout) ? .woken : .timedOut
    }

    func prepare() throws(DeviceError) { prepares += 1 }

    func resume() throws(DeviceError) -> Bool {
        let result = resumeResults.isEmpty ? 0 : resumeResults.removeFirst()
        if result == -EAGAIN { return false }
        if result < 0 { throw Self.error("snd_pcm_resume", -result) }
        return true
    }

    func delay() -> Int { 0 }
    func drop() { dropped = true }
    func close() { closedFlag.store(true, ordering: .releasing) }

    static func error(_ function: String, _ code: Int32) -> DeviceError {
        DeviceError(device: "scripted", function: function, code: code, text: String(cString: strerror(code)))
    }
}

/// Opens scripted devices: the first opens fail with the listed errors.
final class ScriptedOpener: PCMOpener, @unchecked Sendable {
    /// Errors for the coming opens, in turn; success once used up.
    var failures: [Int32]
    /// Faults for each device opened, in order.
    var deviceFaults: [[Int: Int32]]
    /// Whether the devices opened say they keep real time, as a sound card does.
    var keepsTime = false
    /// Sample rates of the devices opened, in order; 48 kHz once used up.
    var sampleRates: [Int] = []
    /// The devices opened and the opens tried, taken under a lock: a reply
    /// thread opens devices while the test looks at them.
    private let lock = NSLock()
    private var openedDevices: [ScriptedDevice] = []
    private var opensTried = 0
    var devices: [ScriptedDevice] { lock.withLock { openedDevices } }
    var opens: Int { lock.withLock { opensTried } }
    /// Called after each device is opened.
    var onOpen: (() -> Void)?

    init(failures: [Int32] = [], deviceFaults: [[Int: Int32]] = []) {
        self.failures = failures
        self.deviceFaults = deviceFaults
    }

    func open(_ request: DeviceRequest) throws(DeviceError) -> any PCMDevice {
        lock.withLock { opensTried += 1 }
        if !failures.isEmpty {
            let code = failures.removeFirst()
            throw DeviceError(device: request.device, function: "snd_pcm_open", code: code, text: String(cString: strerror(code)))
        }
        let device = ScriptedDevice(sampleRate: sampleRates.isEmpty ? 48_000 : sampleRates.removeFirst(), keepsTime: keepsTime)
        if !deviceFaults.isEmpty { device.faults = deviceFaults.removeFirst() }
        lock.withLock { openedDevices.append(device) }
        onOpen?()
        return device
    }
}

/// Records the waits the stream asks for instead of sleeping.
final class RecordedWaits: @unchecked Sendable {
    private(set) var waits: [Duration] = []
    /// Answers `false` (stop) once this many waits have been asked for.
    var stopAfter = Int.max
    /// Called on each wait with its number, as a user acting meanwhile.
    var onWait: ((Int) -> Void)?

    func wait(_ duration: Duration, _ stopping: () -> Bool) -> Bool {
        waits.append(duration)
        onWait?(waits.count)
        return waits.count < stopAfter && !stopping()
    }

    var total: Duration { waits.reduce(.zero, +) }
}

import Glibc
import Logging
import Synchronization
import SystemCalls

/// Live output to a sound device, kept going whatever the device does.
///
/// Follows the recovery aplay, MPD and shairport-sync use: an underrun
/// (`EPIPE`) is prepared and counted and the same frames are written again;
/// a suspend (`ESTRPIPE`) is resumed, or prepared when resuming fails; a
/// device that vanishes, or that takes no frame for `stallTimeout`, is
/// closed and reopened with `Backoff` until it comes back or the give-up
/// time has passed. Writes never block: the stream waits in the device's
/// `poll`, which the `wakeUp` interrupts, so a stop is heard at once even
/// when a sound server hangs.
///
/// Writing logs nothing: what happened is counted in `counters`, for
/// another thread to read and report. Only losing and reopening a device,
/// when nothing can play anyway, are logged here.
public final class DeviceStream {
    public let request: DeviceRequest
    /// What the device currently open granted.
    public private(set) var format: DeviceFormat
    /// What happened so far, readable from any thread.
    public let counters = StreamCounters()
    /// How long a device may take no frame before it is taken for lost.
    public let stallTimeout: Duration

    private let opener: any PCMOpener
    private let logger: Logger
    private let wait: (Duration, () -> Bool) -> Bool
    private var device: (any PCMDevice)?
    /// When the last write ended and what the device held then, to see
    /// whether it ran dry in between.
    private var lastWrite: (time: ContinuousClock.Instant, queued: Int)?
    /// Since the device was last started (opened, or prepared after an
    /// underrun): when, and the frames it was given.
    private var sinceStart = (time: ContinuousClock.now, frames: 0)
    /// Since the first underrun of a stall timeout's span and before it,
    /// on a device that keeps time: since when, and the frames it took. A
    /// device that took more than it could have played plays nothing
    /// (under ALSA's PipeWire plugin, a server that was killed fails every
    /// write after a restart so).
    private var dryStreak: (since: ContinuousClock.Instant, frames: Int)?

    /// Opens the device. A busy device is retried, quietly after one log
    /// line, for up to `giveUpAfter`; an absent one fails at once.
    ///
    /// - Parameter wait: sleeps for a duration, looking now and then at the
    ///   given stop test; returns `false` when the user asked to stop
    ///   meanwhile (by a signal, or as the test says).
    public init(
        request: DeviceRequest, opener: any PCMOpener, logger: Logger, giveUpAfter: Duration,
        stallTimeout: Duration = .seconds(2), wait: @escaping (Duration, () -> Bool) -> Bool
    ) throws(DeviceError) {
        self.request = request
        self.opener = opener
        var logger = logger
        logger[metadataKey: "device"] = "\(request.device)"
        self.logger = logger
        self.stallTimeout = stallTimeout
        self.wait = wait
        var attempt = 0
        var waited = Duration.zero
        while true {
            do {
                let device = try opener.open(request)
                self.device = device
                format = device.format
                return
            } catch where error.kind == .busy && waited < giveUpAfter {
                if attempt == 0 { logger.warning("\(error); waiting for it to be free") }
                let delay = Backoff.whileBusy(attempt: attempt)
                guard wait(delay, { false }) else { throw error }
                waited += delay
                attempt += 1
            }
        }
    }

    /// How a write ended.
    public enum Outcome: Equatable, Sendable {
        /// Every frame was taken.
        case written
        /// `abandon` said so while the device had no room: some frames may not be written.
        case abandoned
        /// The device was lost (some frames may have been written): it is
        /// closed, and `reopen` brings it back.
        case lost
    }

    /// Writes `frames` frames of `bytes` in the device's format, through
    /// short writes, underruns and suspends, waiting for room in the
    /// device's `poll`. Whenever a wait ends without room (`wakeUp` was
    /// signalled, or `abandonCheck` has passed), `abandon` is asked, with how
    /// long the device has taken nothing, whether to give up the write.
    public func write(
        _ bytes: UnsafeRawPointer, frames: Int, wakeUp: WakeUp, abandon: (Duration) -> Bool
    ) -> Outcome {
        guard let device else { return .lost }
        let frameBytes = device.format.bytesPerFrame
        var done = 0
        // The clock is read once for a write the device takes whole at once
        // (nearly every one), again only after progress that needs a wait.
        var lastProgress = ContinuousClock.now
        var waitedOnce = false
        // A wake-up the device misses costs at most a period.
        let period = Duration.milliseconds(max(1, device.format.periodFrames * 1000 / max(1, device.format.sampleRate)))
        /// Waits that said the device had room, after which it took nothing.
        var falseAlarms = 0
        noteStall(device, now: lastProgress)
        while done < frames {
            do {
                let taken = try device.write(bytes + done * frameBytes, frames: frames - done)
                counters.writes.add(1, ordering: .relaxed)
                if taken > 0 {
                    done += taken
                    sinceStart.frames += taken
                    if done < frames || waitedOnce { lastProgress = .now }
                    falseAlarms = 0
                    continue
                }
                if falseAlarms > 0 { counters.falseWakes.add(1, ordering: .relaxed) }
                let left = stallTimeout - (ContinuousClock.now - lastProgress)
                if left <= .zero {
                    counters.hangs.add(1, ordering: .relaxed)
                    return lose("takes no frames for \(stallTimeout)", hung: true)
                }
                let slice = min(left, Self.abandonCheck, period)
                // A device that keeps saying it has room and takes nothing is not asked again at once.
                let waited =
                    falseAlarms > 2
                    ? (wakeUp.wait(upTo: min(slice, .milliseconds(2))) ? DeviceWait.woken : .timedOut)
                    : device.waitForRoom(upTo: slice, wakeUp: wakeUp)
                waitedOnce = true
                falseAlarms = waited == .ready ? falseAlarms + 1 : 0
                if waited == .woken { wakeUp.clear() }
                if waited != .ready, abandon(ContinuousClock.now - lastProgress) { return .abandoned }
            } catch {
                if error.code == EPIPE, runsDryAtOnce() || ContinuousClock.now - lastProgress > stallTimeout {
                    counters.hangs.add(1, ordering: .relaxed)
                    return lose("runs dry at once after every restart: it plays nothing", hung: true)
                }
                do throws(DeviceError) { try recover(from: error, on: device) } catch { return lose("\(error)") }
            }
        }
        lastWrite = (lastProgress, device.delay())
        return .written
    }

    /// At an underrun: whether, over a stall timeout's span of underruns,
    /// the device took more frames than it could have played in that time
    /// and held in two buffers.
    private func runsDryAtOnce() -> Bool {
        let now = ContinuousClock.now
        let streak = (since: dryStreak?.since ?? sinceStart.time, frames: (dryStreak?.frames ?? 0) + sinceStart.frames)
        sinceStart = (now, 0)
        guard format.keepsTime else { return false }
        let elapsed = now - streak.since
        guard elapsed > stallTimeout else {
            dryStreak = streak
            return false
        }
        dryStreak = nil
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return streak.frames > Int(seconds * Double(format.sampleRate)) + 2 * format.bufferFrames
    }

    /// A device just opened: its start is now.
    private func started(_ device: any PCMDevice) {
        self.device = device
        format = device.format
        lastWrite = nil
        sinceStart = (.now, 0)
        dryStreak = nil
    }

    /// Handles a write's error so that writing can go on, or throws the
    /// error that means the device is lost: the write's own, or that of the
    /// call that failed to bring the device back.
    private func recover(from error: DeviceError, on device: any PCMDevice) throws(DeviceError) {
        switch error.code {
        case EINTR:
            return
        case EPIPE:
            counters.underruns.add(1, ordering: .relaxed)
            // Counted as an underrun, not again as a stall.
            lastWrite = nil
            try device.prepare()
        case ESTRPIPE:
            counters.suspends.add(1, ordering: .relaxed)
            do {
                while try !device.resume() {
                    guard wait(.milliseconds(100), { false }) else { throw error }
                }
            } catch {
                // The device cannot resume: start it again instead.
                try device.prepare()
            }
        default:
            throw error
        }
    }

    /// Counts a stall of the feed: more time since the last write than the
    /// device then held, or nothing left in it now, so it ran dry (a sound
    /// server may not say so).
    ///
    /// A buffer kept full (`rewinds`, a card's own) is not asked: run dry,
    /// it fails the next write as an underrun, and asking costs a call into
    /// the driver every period.
    private func noteStall(_ device: any PCMDevice, now: ContinuousClock.Instant) {
        guard let last = lastWrite, format.keepsTime, format.reportsDelay else { return }
        let held = Duration.milliseconds(last.queued * 1000 / max(1, format.sampleRate))
        if now - last.time > held + Self.stallTolerance || (!format.rewinds && device.delay() == 0) {
            counters.stalls.add(1, ordering: .relaxed)
        }
    }

    /// Waits until the device has room for a period or `wakeUp` is
    /// signalled, for at most the time the device takes to free
    /// `format.wakeFrames` and a period more: on a device that rewinds, a
    /// period is made just before it is written, and mail that wakes the
    /// loop is taken at once. Whatever ended the wait, the next write goes
    /// on from there.
    public func awaitRoom(wakeUp: WakeUp) {
        guard let device else { return }
        let frames = format.wakeFrames + format.periodFrames
        let longest = Duration.milliseconds(max(1, frames * 1000 / max(1, format.sampleRate)))
        if device.waitForRoom(upTo: longest, wakeUp: wakeUp) == .woken { wakeUp.clear() }
    }

    /// Frames written and not played yet that can be taken back now.
    public var rewindable: Int { device?.rewindable() ?? 0 }

    /// Takes back the newest `frames` frames written, all of them or none
    /// (then nothing changed); the next write goes where the first of them was.
    public func rewind(_ frames: Int) -> Bool {
        guard let device, frames > 0 else { return false }
        guard device.rewind(frames) else {
            counters.refusedRewinds.add(1, ordering: .relaxed)
            return false
        }
        counters.rewinds.add(1, ordering: .relaxed)
        lastWrite = (.now, device.delay())
        return true
    }

    /// The longest a write waits on a silent device before asking `abandon` again.
    static let abandonCheck = Duration.milliseconds(50)

    /// Scheduling jitter not counted as a stall.
    static let stallTolerance = Duration.milliseconds(20)

    /// Reopens a lost device with `Backoff`, asking for the same format.
    /// Returns `false` when the user asked to stop meanwhile (a signal, or
    /// `stopping`); throws the last error after `giveUpAfter` of trying.
    public func reopen(giveUpAfter: Duration, stopping: () -> Bool = { false }) throws(DeviceError) -> Bool {
        var waited = Duration.zero
        var attempt = 0
        while true {
            let delay = Backoff.afterLoss(attempt: attempt)
            guard !stopping(), wait(delay, stopping) else { return false }
            waited += delay
            attempt += 1
            do {
                started(try opener.open(request))
                counters.reopens.add(1, ordering: .relaxed)
                logger.notice("audio device '\(request.device)' is back after \(attempt) attempts")
                return true
            } catch where waited < giveUpAfter {
                if attempt == 1 { logger.debug("reopen failed: \(error); retrying") }
            }
        }
    }

    /// Whether a device is open: not after `close`, `finish`, `abandon`, or once lost.
    public var isOpen: Bool { device != nil }

    /// Opens the device again at once, asking for the same format: for a
    /// stream closed on purpose while it had nothing to play (a lost one
    /// comes back through `reopen`).
    public func open() throws(DeviceError) {
        started(try opener.open(request))
    }

    /// Frames the device held right after the last write that took them
    /// all (0 before any, or when it cannot tell): asked once per write.
    public var queued: Int { lastWrite?.queued ?? 0 }

    /// Stops the device, dropping what is queued, and closes it. To play
    /// out the end first, write a buffer of silence behind it: unlike a
    /// drain, those writes are watched, so a hung device cannot hold the
    /// end up for longer than `stallTimeout`.
    public func finish() {
        device?.drop()
        close()
    }

    /// Closes the device at once.
    public func close() {
        device?.close()
        device = nil
    }

    /// Lets go of a device that takes nothing: it is closed on a thread of
    /// its own, since closing waits for a hung sound server (ALSA drops the
    /// stream first, and the pulse plugin waits for the server to agree).
    public func abandon() {
        guard let device else { return }
        self.device = nil
        Closer.close(device)
    }

    private func lose(_ reason: String, hung: Bool = false) -> Outcome {
        counters.losses.add(1, ordering: .relaxed)
        logger.warning("audio device '\(request.device)' lost (\(reason)); reopening")
        if hung { abandon() } else { close() }
        return .lost
    }
}

/// What happened to a stream so far: counted on the audio thread, read on any.
public final class StreamCounters: Sendable {
    /// Underruns the device reported (`EPIPE`).
    public let underruns = Atomic<Int>(0)
    /// Suspends the device reported (`ESTRPIPE`).
    public let suspends = Atomic<Int>(0)
    /// Times the device was lost, and opened again after it was lost.
    public let losses = Atomic<Int>(0)
    public let reopens = Atomic<Int>(0)
    /// Times the device took no frame for the stall timeout, and was taken for lost.
    public let hangs = Atomic<Int>(0)
    /// Stalls of the feed: the next write came later than what the device
    /// held could cover, so it ran dry, though it may not have said so.
    public let stalls = Atomic<Int>(0)
    /// Times frames written were taken back, to put a key's sound in front,
    /// and times the device refused to.
    public let rewinds = Atomic<Int>(0)
    public let refusedRewinds = Atomic<Int>(0)
    /// Writes asked of the device, and waits that said it had room when the
    /// write after them found none: each of those is a wake-up for nothing.
    public let writes = Atomic<Int>(0)
    public let falseWakes = Atomic<Int>(0)

    public init() {}
}

/// Closes devices on detached threads, for devices whose close may never return.
private enum Closer {
    /// The device, handed whole to the closing thread.
    private final class Handle: @unchecked Sendable {
        // @unchecked: the thread that made it lets go of the device before handing it over.
        let device: any PCMDevice
        init(_ device: any PCMDevice) { self.device = device }
    }

    static func close(_ device: any PCMDevice) {
        let handle = Handle(device)
        if !BackgroundThread.startDetached({ handle.device.close() }) { handle.device.close() }
    }
}

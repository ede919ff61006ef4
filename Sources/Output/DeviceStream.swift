import Glibc
import Logging

/// Live output to a sound device, kept going whatever the device does.
///
/// Follows the recovery aplay, MPD and shairport-sync use: an underrun
/// (`-EPIPE`) is prepared and counted and the same frames are written again;
/// a suspend (`-ESTRPIPE`) is resumed, or prepared when resuming fails; a
/// device that vanishes is closed and reopened with `Backoff` until it comes
/// back or the give-up time has passed. Waiting goes through `wait`, so tests
/// run the whole policy without sleeping.
public final class DeviceStream {
    public let request: DeviceRequest
    /// What the device currently open granted.
    public private(set) var format: DeviceFormat
    public private(set) var underruns = 0
    public private(set) var suspends = 0
    public private(set) var reopens = 0

    private let opener: any PCMOpener
    private let logger: Logger
    private let wait: (Duration, () -> Bool) -> Bool
    private var device: (any PCMDevice)?

    /// Opens the device. A busy device is retried, quietly after one log
    /// line, for up to `giveUpAfter`; an absent one fails at once.
    ///
    /// - Parameter wait: sleeps for a duration, looking now and then at the
    ///   given stop test; returns `false` when the user asked to stop
    ///   meanwhile (by a signal, or as the test says).
    public init(
        request: DeviceRequest, opener: any PCMOpener, logger: Logger, giveUpAfter: Duration,
        wait: @escaping (Duration, () -> Bool) -> Bool
    ) throws(DeviceError) {
        self.request = request
        self.opener = opener
        self.logger = logger
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

    /// Writes `frames` frames of `bytes` in the device's format, through
    /// short writes, underruns and suspends. Returns `false` when the device
    /// was lost meanwhile (some of the frames may have been written): it is
    /// then closed, and `reopen` brings it back.
    public func write(_ bytes: UnsafeRawPointer, frames: Int) -> Bool {
        guard let device else { return false }
        let frameBytes = device.format.bytesPerFrame
        var done = 0
        while done < frames {
            let result = device.write(bytes + done * frameBytes, frames: frames - done)
            if result >= 0 {
                done += result
                continue
            }
            switch Int32(-result) {
            case EINTR, EAGAIN:
                continue
            case EPIPE:
                underruns += 1
                logger.debug("underrun \(underruns); preparing")
                guard device.prepare() == 0 else { return lose(Int32(-result), "snd_pcm_prepare") }
            case ESTRPIPE:
                suspends += 1
                logger.info("device suspended; resuming")
                var resumed = device.resume()
                while resumed == -EAGAIN, wait(.milliseconds(100), { false }) { resumed = device.resume() }
                if resumed < 0, device.prepare() < 0 { return lose(ESTRPIPE, "snd_pcm_resume") }
            default:
                return lose(Int32(-result), "snd_pcm_writei")
            }
        }
        return true
    }

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
                let device = try opener.open(request)
                self.device = device
                format = device.format
                reopens += 1
                logger.notice("audio device '\(request.device)' is back after \(attempt) attempts")
                return true
            } catch where waited < giveUpAfter {
                if attempt == 1 { logger.debug("reopen failed: \(error); retrying") }
            }
        }
    }

    /// Frames written but not heard yet; 0 when the device cannot tell.
    public func delay() -> Int { max(0, device?.delay() ?? 0) }

    /// Plays out what is buffered and closes the device.
    public func finish() {
        device?.drain()
        close()
    }

    /// Closes the device at once.
    public func close() {
        device?.close()
        device = nil
    }

    private func lose(_ code: Int32, _ function: String) -> Bool {
        logger.warning(
            "audio device '\(request.device)' lost (\(function): \(String(cString: strerror(code)))); reopening")
        close()
        return false
    }
}

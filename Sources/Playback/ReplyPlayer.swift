import Audio
import Logging
import Output
import Synchronization

/// Plays the answers to keys and buttons (earcons, the spoken status) on a
/// device of their own, for a session heard late: a Snapcast studio's
/// rooms play a second or more behind, and whoever pressed the key wants
/// the answer now. A thread of its own writes them as they come, laid
/// over one another as the session's overlays are, then a buffer of
/// silence so they are played out; between answers the device runs dry.
public final class ReplyPlayer: Sendable {
    /// The rate the device runs at: what the answers must be made at.
    public let sampleRate: Int
    private let mailbox = Mailbox()
    private let thread: BackgroundThread
    /// How long a write waits on a device that takes nothing once finishing.
    private let abandonAfter: Duration

    /// What the control thread has posted and the reply thread not taken
    /// yet, and the wake-up that tells it.
    private final class Mailbox: Sendable {
        struct Inbox {
            var earcon: Sound?
            var speech: Sound?
            var gain: Float = 1
            /// When the newest answer was posted.
            var posted: ContinuousClock.Instant?
            var finishing = false
        }
        let inbox = Mutex(Inbox())
        let wakeUp = WakeUp()
        /// The longest from an answer's post to its first frame heard, in microseconds.
        let longestLatency = Atomic<Int>(0)
        /// Since when the reply thread is inside a call to the device (a
        /// write, the close), in nanoseconds after `start`; 0 while it is not.
        let inDeviceSince = Atomic<Int>(0)
        let start = ContinuousClock.now
        /// Set, and `ended` signalled, once the reply thread is done.
        let done = Atomic<Bool>(false)
        let ended = Semaphore()

        /// Now, in nanoseconds after `start` (1 at least).
        func nanosecondsNow() -> Int {
            let (seconds, attoseconds) = (ContinuousClock.now - start).components
            return max(1, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        }
    }

    /// The longest time so far from a command to its answer's first frame
    /// at the device's output (written, plus what the device held ahead of it).
    public var longestLatency: Duration { .microseconds(mailbox.longestLatency.load(ordering: .relaxed)) }

    /// Takes over `stream`, which only the reply thread uses from now on.
    public init(stream: DeviceStream, logger: Logger) {
        sampleRate = stream.format.sampleRate
        abandonAfter = stream.format.abandonAfter
        let writer = Writer(stream: stream, logger: logger)
        thread = BackgroundThread { [mailbox] in writer.run(mailbox) }
    }

    /// Plays `sound` now, at `gain`, instead of the earcon playing.
    public func earcon(_ sound: Sound, gain: Float) { post(earcon: sound, gain: gain) }

    /// Speaks `sound` now, at `gain`, instead of the speech playing.
    public func speech(_ sound: Sound, gain: Float) { post(speech: sound, gain: gain) }

    /// Plays out what was posted, then closes the device; once only
    /// matters. A reply thread held inside the device (a sound server's
    /// plugin waits up to 30 s for a hung server) is not waited for: it is
    /// detached, and ends when the device lets it go or with the program.
    public func finish() {
        let first = mailbox.inbox.withLock { inbox in
            defer { inbox.finishing = true }
            return !inbox.finishing
        }
        guard first else { return }
        mailbox.wakeUp.signal()
        // Once finishing, a write that waits for room gives up after
        // `abandonAfter`, and a close takes a moment; longer is a hang.
        let stuckAfter = 50_000_000 + Int(abandonAfter / .nanoseconds(1))
        while !mailbox.done.load(ordering: .acquiring) {
            let since = mailbox.inDeviceSince.load(ordering: .relaxed)
            if since > 0, mailbox.nanosecondsNow() - since > stuckAfter {
                thread.detach()
                return
            }
            mailbox.ended.wait(upTo: .milliseconds(5))
        }
        thread.join()
    }

    deinit { finish() }

    private func post(earcon: Sound? = nil, speech: Sound? = nil, gain: Float) {
        mailbox.inbox.withLock { inbox in
            inbox.earcon = earcon ?? inbox.earcon
            inbox.speech = speech ?? inbox.speech
            inbox.gain = gain
            inbox.posted = .now
        }
        mailbox.wakeUp.signal()
    }

    /// The reply thread's side: the device and what it plays.
    private final class Writer: @unchecked Sendable {
        // @unchecked: made on the control thread, then used by the reply thread alone.
        private let stream: DeviceStream
        private let logger: Logger

        init(stream: DeviceStream, logger: Logger) {
            self.stream = stream
            self.logger = logger
        }

        func run(_ mailbox: Mailbox) {
            let wakeUp = mailbox.wakeUp
            let abandonAfter = stream.format.abandonAfter
            var buffers = PeriodBuffers(stream.format)
            var overlays = Overlays(sampleRate: stream.format.sampleRate)
            var silenceLeft = 0
            var outcome = DeviceStream.Outcome.written
            while true {
                let taken = mailbox.inbox.withLock { inbox in
                    defer { (inbox.earcon, inbox.speech, inbox.posted) = (nil, nil, nil) }
                    return inbox
                }
                if let earcon = taken.earcon { overlays.earcon = (earcon, 0) }
                if let speech = taken.speech { overlays.speech = (speech, 0) }
                let sounding = overlays.earcon != nil || overlays.speech != nil
                if sounding {
                    silenceLeft = buffers.format.bufferFrames
                } else if silenceLeft <= 0 {
                    if taken.finishing { break }
                    _ = wakeUp.wait(upTo: .seconds(60))
                    wakeUp.clear()
                    continue
                }
                if sounding, !reopenIfLost(&buffers) {
                    (overlays.earcon, overlays.speech) = (nil, nil)
                    continue
                }
                buffers.samples.update(repeating: 0)
                overlays.mix(into: buffers.samples, count: buffers.frames, channels: buffers.format.channels, gain: taken.gain)
                buffers.encode(count: buffers.frames)
                if !sounding { silenceLeft -= buffers.frames }
                // A new answer waits for room like the rest; a hung device is given up after its
                // stall timeout, or soon after the program asks to end, so the end never waits for it.
                mailbox.inDeviceSince.store(mailbox.nanosecondsNow(), ordering: .relaxed)
                outcome = stream.write(buffers.bytes, frames: buffers.frames, wakeUp: wakeUp) { stalled in
                    stalled > abandonAfter && mailbox.inbox.withLock { $0.finishing }
                }
                mailbox.inDeviceSince.store(0, ordering: .relaxed)
                if outcome == .abandoned { break }
                if outcome == .lost {
                    (overlays.earcon, overlays.speech, silenceLeft) = (nil, nil, 0)
                } else if let posted = taken.posted {
                    note(latency: posted, mailbox)
                }
            }
            // A device given up on while it took nothing is closed on a thread of its own.
            mailbox.inDeviceSince.store(mailbox.nanosecondsNow(), ordering: .relaxed)
            if outcome == .abandoned { stream.abandon() } else { stream.finish() }
            mailbox.done.store(true, ordering: .releasing)
            mailbox.ended.signal()
        }

        /// Notes how long the answer posted at `posted` takes to be heard:
        /// until now, and then what the device holds ahead of the period just written.
        private func note(latency posted: ContinuousClock.Instant, _ mailbox: Mailbox) {
            let ahead = max(0, stream.queued - stream.format.periodFrames)
            let latency = (ContinuousClock.now - posted) + .microseconds(ahead * 1_000_000 / max(1, stream.format.sampleRate))
            let microseconds = Int(latency / .microseconds(1))
            if microseconds > mailbox.longestLatency.load(ordering: .relaxed) {
                mailbox.longestLatency.store(microseconds, ordering: .relaxed)
            }
        }

        /// Whether the device is open: lost, it is opened again once (and
        /// made new buffers for); if that fails, this answer is dropped.
        private func reopenIfLost(_ buffers: inout PeriodBuffers) -> Bool {
            guard stream.counters.losses.load(ordering: .relaxed) > stream.counters.reopens.load(ordering: .relaxed) else {
                return true
            }
            do {
                guard try stream.reopen(giveUpAfter: .zero) else { return false }
            } catch {
                logger.warning("cannot play the answer to a key on '\(stream.request.device)': \(error)")
                return false
            }
            if stream.format != buffers.format { buffers = PeriodBuffers(stream.format) }
            return true
        }
    }
}

import Audio
import Logging
import Output
import Synchronization
import SystemCalls

/// Plays the answers to keys and buttons (earcons, the spoken status) on a
/// device of their own, for a session heard late: a Snapcast studio's
/// rooms play a second or more behind, and whoever pressed the key wants
/// the answer now. A thread of its own writes them as they come, laid
/// over one another as the session's overlays are, then a buffer of
/// silence so they are played out; between answers the device runs dry.
///
/// Quiet for `closeAfter` with no session holding it, the device is
/// closed, so an idle box keeps no stream open (a sound server's sink can
/// suspend, and the box takes no CPU time); the next answer opens it
/// again. After every open a lead-in of silence goes first, so a device
/// (or a sink the server wakes) that starts late cuts no answer short.
public final class ReplyPlayer: Sendable {
    /// How long the device stays open after the last answer was played out.
    public static let closeAfter = Duration.seconds(4)
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
            /// A session asked for the device open (`hold`).
            var opening = false
            var finishing = false
        }
        let inbox = Mutex(Inbox())
        let wakeUp = WakeUp()
        /// Sessions that keep the device open (`hold`, `release`).
        let holds = Atomic<Int>(0)
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
    /// at the device's output (written, plus what the device held ahead of
    /// it); for an answer that waited for the device to open, from when it
    /// was open and its lead-in written.
    public var longestLatency: Duration { .microseconds(mailbox.longestLatency.load(ordering: .relaxed)) }

    /// Takes over `stream`, which only the reply thread uses from now on:
    /// it writes `leadIn` of silence after every open (this one too), and
    /// closes the device once quiet for `closeAfter`.
    public init(stream: DeviceStream, leadIn: Duration, closeAfter: Duration = closeAfter, logger: Logger) {
        sampleRate = stream.format.sampleRate
        abandonAfter = stream.format.abandonAfter
        let writer = Writer(stream: stream, leadIn: leadIn, closeAfter: closeAfter, logger: logger)
        thread = BackgroundThread { [mailbox] in writer.run(mailbox) }
    }

    /// Plays `sound` now, at `gain`, instead of the earcon playing.
    public func earcon(_ sound: Sound, gain: Float) { post(earcon: sound, gain: gain) }

    /// Speaks `sound` now, at `gain`, instead of the speech playing.
    public func speech(_ sound: Sound, gain: Float) { post(speech: sound, gain: gain) }

    /// Keeps the device open until `release`, opening it now if it was
    /// closed: while a session plays, its own stream keeps the sound server
    /// awake anyway, and a key is answered without waiting for an open.
    public func hold() {
        mailbox.holds.add(1, ordering: .relaxed)
        mailbox.inbox.withLock { $0.opening = true }
        mailbox.wakeUp.signal()
    }

    /// Ends a `hold`: without another, the device closes once quiet for `closeAfter`.
    public func release() {
        mailbox.holds.subtract(1, ordering: .relaxed)
        mailbox.wakeUp.signal()
    }

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
        private let leadIn: Duration
        private let closeAfter: Duration
        private let logger: Logger

        init(stream: DeviceStream, leadIn: Duration, closeAfter: Duration, logger: Logger) {
            self.stream = stream
            self.leadIn = leadIn
            self.closeAfter = closeAfter
            self.logger = logger
        }

        func run(_ mailbox: Mailbox) {
            let wakeUp = mailbox.wakeUp
            var buffers = PeriodBuffers(stream.format)
            var overlays = Overlays(sampleRate: stream.format.sampleRate)
            var silenceLeft = 0
            // The device was opened before the thread began: its lead-in is still to come.
            var leadInDue = true
            // When the answer not heard yet was posted.
            var posted: ContinuousClock.Instant?
            var outcome = DeviceStream.Outcome.written
            while true {
                let taken = mailbox.inbox.withLock { inbox in
                    defer { (inbox.earcon, inbox.speech, inbox.posted, inbox.opening) = (nil, nil, nil, false) }
                    return inbox
                }
                if let earcon = taken.earcon { overlays.earcon = (earcon, 0) }
                if let speech = taken.speech { overlays.speech = (speech, 0) }
                posted = taken.posted ?? posted
                let sounding = overlays.earcon != nil || overlays.speech != nil
                if sounding {
                    silenceLeft = buffers.format.bufferFrames
                } else if silenceLeft <= 0 && !taken.opening {
                    if taken.finishing { break }
                    let closing = stream.isOpen && mailbox.holds.load(ordering: .relaxed) == 0
                    // Every post, hold, release and finish signals: nothing to look at until then.
                    let woken: Bool
                    if closing {
                        woken = wakeUp.wait(upTo: closeAfter)
                    } else {
                        wakeUp.wait()
                        woken = true
                    }
                    wakeUp.clear()
                    if closing && !woken {
                        mailbox.inDeviceSince.store(mailbox.nanosecondsNow(), ordering: .relaxed)
                        stream.finish()
                        mailbox.inDeviceSince.store(0, ordering: .relaxed)
                    }
                    continue
                }
                if !stream.isOpen {
                    guard open(&buffers) else {
                        (overlays.earcon, overlays.speech, silenceLeft, posted) = (nil, nil, 0, nil)
                        continue
                    }
                    leadInDue = true
                }
                if leadInDue {
                    leadInDue = false
                    outcome = writeLeadIn(&buffers, mailbox)
                    if outcome == .abandoned { break }
                    if outcome == .lost { (overlays.earcon, overlays.speech, silenceLeft, posted) = (nil, nil, 0, nil) }
                    // An answer that waited for the open is timed from here: `longestLatency` is
                    // how soon an open device answers (a session holds it open for its keys).
                    if posted != nil { posted = .now }
                    continue
                }
                if !sounding && silenceLeft <= 0 { continue }
                buffers.samples.update(repeating: 0)
                overlays.mix(into: buffers.samples, count: buffers.frames, channels: buffers.format.channels, gain: taken.gain)
                buffers.encode(count: buffers.frames)
                if !sounding { silenceLeft -= buffers.frames }
                outcome = write(buffers, frames: buffers.frames, mailbox)
                if outcome == .abandoned { break }
                if outcome == .lost {
                    (overlays.earcon, overlays.speech, silenceLeft, posted) = (nil, nil, 0, nil)
                } else if let answered = posted {
                    note(latency: answered, mailbox)
                    posted = nil
                }
            }
            // A device given up on while it took nothing is closed on a thread of its own.
            mailbox.inDeviceSince.store(mailbox.nanosecondsNow(), ordering: .relaxed)
            if outcome == .abandoned { stream.abandon() } else { stream.finish() }
            mailbox.done.store(true, ordering: .releasing)
            mailbox.ended.signal()
        }

        /// Writes the first `frames` frames of `buffers`. A new answer waits for room like the rest;
        /// a hung device is given up after its stall timeout, or soon after the program asks to end,
        /// so the end never waits for it.
        private func write(_ buffers: PeriodBuffers, frames: Int, _ mailbox: Mailbox) -> DeviceStream.Outcome {
            let abandonAfter = stream.format.abandonAfter
            mailbox.inDeviceSince.store(mailbox.nanosecondsNow(), ordering: .relaxed)
            defer { mailbox.inDeviceSince.store(0, ordering: .relaxed) }
            return stream.write(buffers.bytes, frames: frames, wakeUp: mailbox.wakeUp) { stalled in
                stalled > abandonAfter && mailbox.inbox.withLock { $0.finishing }
            }
        }

        /// Writes the lead-in's silence, period by period.
        private func writeLeadIn(_ buffers: inout PeriodBuffers, _ mailbox: Mailbox) -> DeviceStream.Outcome {
            buffers.silence()
            var left = Fade.frames(milliseconds: Double(leadIn / .microseconds(1)) / 1000, rate: buffers.format.sampleRate)
            while left > 0 {
                let count = min(left, buffers.frames)
                let outcome = write(buffers, frames: count, mailbox)
                guard outcome == .written else { return outcome }
                left -= count
            }
            return .written
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

        /// Opens the device again, making new buffers if its format
        /// changed: at once when it was closed while quiet; lost, once,
        /// after `Backoff`. Returns `false` when it cannot, and the answer is dropped.
        private func open(_ buffers: inout PeriodBuffers) -> Bool {
            let lost = stream.counters.losses.load(ordering: .relaxed) > stream.counters.reopens.load(ordering: .relaxed)
            do {
                if lost {
                    guard try stream.reopen(giveUpAfter: .zero) else { return false }
                } else {
                    try stream.open()
                }
            } catch {
                logger.warning("cannot play the answer to a key on '\(stream.request.device)': \(error)")
                return false
            }
            if stream.format != buffers.format { buffers = PeriodBuffers(stream.format) }
            return true
        }
    }
}

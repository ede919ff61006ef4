import Audio
import Logging
import Synchronization
import SystemCalls

/// Makes the sounds of the next seconds of a session on its own thread, so
/// the audio thread finds them in memory and never decodes or synthesizes:
/// each time it has made more, it publishes a new table of them to
/// `sounds`, which the audio thread renders from.
///
/// `follow` and `isReady` touch only atomics and a semaphore, for the audio
/// thread; `waitUntilReady` waits until the sounds are published, for
/// devices that take frames faster than real time. `stop` may be called
/// more than once, by one thread at a time.
final class SoundPreparer: @unchecked Sendable {
    /// How far ahead of the write position sounds are made, in seconds. The
    /// preparer tops this up every quarter second, so each sound is asked
    /// for nearly this long before it plays: a slow CPU has that long to
    /// make one part (`Mixer.partSeconds`) of a long sound. Every second more
    /// holds a second more of each sound playing then in memory.
    static let lookahead: Int64 = 3
    /// The longest the preparer sleeps between looks at the write position;
    /// the audio thread wakes it sooner when it falls behind.
    static let interval = Duration.milliseconds(250)

    /// What the two threads share.
    private final class Shared: Sendable {
        let mixer: Mixer
        let sounds: PreparedSounds
        let logger: Logger
        let position = Atomic<Int64>(0)
        /// The frame through which the sounds are published.
        let readyThrough = Atomic<Int64>(0)
        let running = Atomic<Bool>(true)
        let wakeUp = Semaphore()
        /// Whether a thread waits in `waitUntilReady`, and its wake-up.
        let waiting = Atomic<Bool>(false)
        let published = Semaphore()
        /// Signalled once, when the first table is published.
        let firstPublished: WakeUp?
        /// The lookahead less a quarter second, in frames: below it, the preparer gets to work.
        let refillBelow: Int64

        init(mixer: Mixer, logger: Logger, firstPublished: WakeUp?) {
            self.mixer = mixer
            sounds = PreparedSounds(mixer: mixer, table: mixer.table())
            self.logger = logger
            self.firstPublished = firstPublished
            refillBelow = (lookahead * 4 - 1) * Int64(mixer.timeline.sampleRate) / 4
        }
    }

    private let shared: Shared
    private var thread: BackgroundThread?

    /// The mixer and the sounds made for it so far, for the audio thread to render.
    var sounds: PreparedSounds { shared.sounds }

    /// Starts preparing from `position` on. `firstPublished` is signalled
    /// once the sounds of the first seconds from there are published: a
    /// move waiting for them is taken then, not a period later.
    init(mixer: Mixer, from position: Int64, logger: Logger, firstPublished: WakeUp? = nil) {
        shared = Shared(mixer: mixer, logger: logger, firstPublished: firstPublished)
        shared.position.store(position, ordering: .relaxed)
        thread = BackgroundThread { [shared] in Self.loop(shared) }
    }

    deinit { stop() }

    /// Tells the preparer where the audio thread writes now, waking it when
    /// less than the lookahead (less a quarter second) is ready.
    func follow(_ frame: Int64) {
        shared.position.store(frame, ordering: .relaxed)
        if shared.readyThrough.load(ordering: .relaxed) < frame + shared.refillBelow { shared.wakeUp.signal() }
    }

    /// Whether every sound before `end` has been published to `sounds`.
    func isReady(through end: Int64) -> Bool { shared.readyThrough.load(ordering: .sequentiallyConsistent) >= end }

    /// Waits until every sound of [`start`, `end`) has been published, the
    /// audio thread being at `start`: woken by the publication, not by
    /// looking again and again. Playing in real time the preparer is
    /// seconds ahead and this returns at once; a device that takes frames
    /// faster than real time (a file) waits here for the sounds rather
    /// than playing silence in their place. Returns at once once stopped.
    func waitUntilReady(from start: Int64, through end: Int64) {
        follow(start)
        // Set before looking, and looked at by the preparer after it publishes: one of the two sees the other.
        shared.waiting.store(true, ordering: .sequentiallyConsistent)
        defer { shared.waiting.store(false, ordering: .relaxed) }
        while !isReady(through: end), shared.running.load(ordering: .sequentiallyConsistent) {
            shared.wakeUp.signal()
            // The interval only bounds a wait whose wake-up was somehow lost.
            shared.published.wait(upTo: Self.interval)
        }
    }

    /// Stops the thread and waits for it.
    func stop() {
        shared.running.store(false, ordering: .sequentiallyConsistent)
        shared.wakeUp.signal()
        shared.published.signal()
        thread?.join()
        thread = nil
    }

    private static func loop(_ shared: Shared) {
        let ahead = lookahead * Int64(shared.mixer.timeline.sampleRate)
        var reported: Set<String> = []
        var missed = 0
        var publications = 0
        while shared.running.load(ordering: .relaxed) {
            // A sound the audio thread needed before it was made, or that could not be made, played as silence: say which.
            if shared.mixer.missedSounds > missed {
                missed = shared.mixer.missedSounds
                shared.logger.warning(
                    "not made in time or unreadable, played as silence: \(shared.mixer.missedSoundNames.joined(separator: ", "))")
            }
            let frame = shared.position.load(ordering: .relaxed)
            // Nearly the whole lookahead still ready: nothing to do yet.
            if shared.readyThrough.load(ordering: .relaxed) >= frame + shared.refillBelow {
                shared.wakeUp.wait(upTo: interval)
                continue
            }
            do {
                try shared.mixer.prepare(from: frame, to: frame + ahead)
            } catch {
                // A sound that cannot be made plays as silence; say so once.
                if reported.insert(error.description).inserted { shared.logger.error("\(error)") }
            }
            // Until the audio thread has taken the last tables: tried again at the next look.
            guard shared.sounds.publish(shared.mixer.table()) else {
                shared.wakeUp.wait(upTo: interval)
                continue
            }
            shared.readyThrough.store(frame + ahead, ordering: .sequentiallyConsistent)
            if shared.waiting.load(ordering: .sequentiallyConsistent) { shared.published.signal() }
            if publications == 0 { shared.firstPublished?.signal() }
            publications += 1
        }
    }
}

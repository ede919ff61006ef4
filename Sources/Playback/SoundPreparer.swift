import Audio
import Logging
import Synchronization

/// Makes the sounds of the next seconds of a session on its own thread, so
/// the audio thread finds them in memory and never decodes or synthesizes.
///
/// `follow` and `isReady` touch only atomics and a semaphore, for the audio
/// thread; `waitUntilReady` sleeps until the sounds are made, for devices
/// that take frames faster than real time. `stop` may be
/// called more than once, by one thread at a time.
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
        let logger: Logger
        let position = Atomic<Int64>(0)
        let readyThrough = Atomic<Int64>(0)
        let running = Atomic<Bool>(true)
        let wakeUp = Semaphore()
        /// The lookahead less a quarter second, in frames: below it, the preparer gets to work.
        let refillBelow: Int64

        init(mixer: Mixer, logger: Logger) {
            self.mixer = mixer
            self.logger = logger
            refillBelow = (lookahead * 4 - 1) * Int64(mixer.timeline.sampleRate) / 4
        }
    }

    private let shared: Shared
    private var thread: BackgroundThread?

    /// Starts preparing from `position` on.
    init(mixer: Mixer, from position: Int64, logger: Logger) {
        shared = Shared(mixer: mixer, logger: logger)
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

    /// Whether every sound before `end` has been made.
    func isReady(through end: Int64) -> Bool { shared.readyThrough.load(ordering: .acquiring) >= end }

    /// Waits until every sound of [`start`, `end`) has been made, the audio
    /// thread being at `start`. Playing in real time the preparer is seconds
    /// ahead and this returns at once; a device that takes frames faster than
    /// real time (a file) waits here for the sounds rather than playing
    /// silence in their place.
    func waitUntilReady(from start: Int64, through end: Int64) {
        follow(start)
        while shared.readyThrough.load(ordering: .acquiring) < end, shared.running.load(ordering: .relaxed) {
            shared.wakeUp.signal()
            sleep(for: .milliseconds(1))
        }
    }

    /// Stops the thread and waits for it.
    func stop() {
        shared.running.store(false, ordering: .relaxed)
        shared.wakeUp.signal()
        thread?.join()
        thread = nil
    }

    private static func loop(_ shared: Shared) {
        let ahead = lookahead * Int64(shared.mixer.timeline.sampleRate)
        var reported: Set<String> = []
        var missed = 0
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
            shared.readyThrough.store(frame + ahead, ordering: .releasing)
        }
    }
}

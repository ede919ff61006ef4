import Logging
import Output
import Synchronization
import SystemCalls
import Timing

/// A live session on a thread of its own, for a caller that must stay free
/// to listen (the daemon's poll loop): the thread opens the device, lays the
/// session out and plays it. The caller gets the control handle once the
/// session plays and the outcome once it ends, each announced on `changed`.
public final class SessionThread: Sendable {
    /// How a session thread ended.
    public enum Outcome: Sendable {
        /// The device could not be opened (absent, busy past the wait, refusing).
        case noDevice(DeviceError)
        /// Played to its end, or stopped.
        case played(PlaybackSummary)
        /// The session could not be laid out, or rebuilt after the device came back.
        case failed(String)
    }

    /// Signalled when the control handle is there and when the outcome is.
    public let changed = WakeUp()
    private let state = Mutex<(control: PlayerControl?, outcome: Outcome?)>((nil, nil))
    private let stopping = Atomic<Bool>(false)
    private let thread = Mutex<BackgroundThread?>(nil)

    /// Starts the thread: `open` opens the device (given a test that says
    /// whether to give up waiting for a busy one), then the session of
    /// `source` plays from `start`.
    public init(
        open: @escaping @Sendable (_ stopping: @escaping @Sendable () -> Bool) throws(DeviceError) -> DeviceStream,
        source: any SessionSource, settings: LiveSettings, start: ResumePoint = .start, logger: Logger
    ) {
        let running = BackgroundThread { [self] in
            let stopping = { @Sendable in self.stopping.load(ordering: .relaxed) }
            let outcome: Outcome
            do throws(DeviceError) {
                let stream = try open(stopping)
                outcome = play(source, on: stream, settings: settings, from: start, logger: logger)
            } catch {
                outcome = .noDevice(error)
            }
            state.withLock { $0.outcome = outcome }
            changed.signal()
        }
        thread.withLock { $0 = running }
    }

    /// Lays the session out for the device and plays it, on the session's thread.
    private func play(
        _ source: any SessionSource, on stream: DeviceStream, settings: LiveSettings, from start: ResumePoint,
        logger: Logger
    ) -> Outcome {
        do {
            let loop = try AudioLoop(stream: stream, settings: settings, source: source, logger: logger, startingAt: start)
            state.withLock { $0.control = loop.control }
            changed.signal()
            return .played(try loop.run { self.stopping.load(ordering: .relaxed) })
        } catch {
            stream.close()
            return .failed("\(error)")
        }
    }

    /// The control handle, once the session plays.
    public var control: PlayerControl? { state.withLock { $0.control } }

    /// How it ended, once it has.
    public var outcome: Outcome? { state.withLock { $0.outcome } }

    /// Asks the session to fade out and end (or the device wait to give up).
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        control?.perform(.stop)
    }

    /// Waits for the thread to end.
    public func join() {
        let running = thread.withLock { thread -> BackgroundThread? in
            defer { thread = nil }
            return thread
        }
        running?.join()
    }
}

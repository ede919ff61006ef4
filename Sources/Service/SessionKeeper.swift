import Configuration
import Glibc
import Logging
import Playback
import Synchronization
import SystemCalls
import Timing

/// What a playing session leaves behind, for `serve` and `play` alike: its
/// place, saved at every step so it can go on after a power cut (`--resume`),
/// and its line in the history when it ends. Fed from the control thread.
public final class SessionKeeper: Sendable {
    private let routine: String
    private let options: SessionOptions
    private let placePath: String
    private let historyPath: String
    private let logger: Logger
    private let state: Mutex<(record: SessionRecord, step: Int)>

    /// - Parameters:
    ///   - routine: as it was asked for (a built-in name or a file), to start it again.
    ///   - name: the routine's own name, for the history.
    public init(
        routine: String, name: String, options: SessionOptions, placePath: String, historyPath: String, logger: Logger
    ) {
        self.routine = routine
        self.options = options
        self.placePath = placePath
        self.historyPath = historyPath
        self.logger = logger
        state = Mutex((SessionRecord(start: Int64(time(nil)), routine: name), 0))
        try? Files.makeFolder(Files.folder(of: placePath), mode: 0o700)
    }

    /// Takes in where the session is; saves the place when a new step has
    /// begun. Returns whether one has. Call it more than once a second.
    @discardableResult
    public func follow(_ player: any SessionPlayer) -> Bool {
        let status = player.status
        let timeline = player.timeline
        let newStep = state.withLock { state -> Bool in
            state.record.hear(status.frame, of: timeline)
            guard status.stepNumber != state.step, status.stepNumber >= 1 else { return false }
            state.step = status.stepNumber
            return true
        }
        if newStep {
            let place = SavedPlace(routine: routine, options: options, timeline: timeline, step: status.stepNumber - 1)
            do { try place.save(to: placePath) } catch { logger.warning("cannot save the place: \(error)") }
        }
        return newStep
    }

    /// The session ended: its line goes into the history, and the saved
    /// place, which a session played to its end no longer needs, is removed.
    public func finish(_ player: any SessionPlayer, stopped: Bool) {
        let entry = state.withLock { $0.record.entry(end: Int64(time(nil)), timeline: player.timeline, stopped: stopped) }
        do {
            try History.append(entry, to: historyPath)
        } catch {
            logger.warning("cannot write the history: \(error)")
        }
        if !stopped { Files.remove(placePath) }
    }
}

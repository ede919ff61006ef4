import Logging
import Synchronization

/// A log handler that keeps what is logged, to count the lines a user would see.
final class CollectedLogs: Sendable {
    private let lines = Mutex<[(Logger.Level, String)]>([])

    var all: [(Logger.Level, String)] { lines.withLock { $0 } }

    /// Lines at `level` or above.
    func count(atLeast level: Logger.Level) -> Int { all.filter { $0.0 >= level }.count }

    var logger: Logger {
        var logger = Logger(label: "test") { _ in Handler(logs: self) }
        logger.logLevel = .trace
        return logger
    }

    struct Handler: LogHandler {
        let logs: CollectedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            logs.lines.withLock { $0.append((event.level, event.message.description)) }
        }
    }
}

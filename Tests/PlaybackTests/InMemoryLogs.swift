import InMemoryLogging
import Logging

/// swift-log's in-memory handler as the playback tests use it: a logger
/// that keeps every line, counted by level.
extension InMemoryLogHandler {
    /// A logger at every level whose lines this handler keeps.
    var logger: Logger {
        var logger = Logger(label: "test") { _ in self }
        logger.logLevel = .trace
        return logger
    }

    /// Every line so far, with its level.
    var all: [(Logger.Level, String)] { entries.map { ($0.level, $0.message.description) } }

    /// Lines at `level` or above.
    func count(atLeast level: Logger.Level) -> Int { entries.filter { $0.level >= level }.count }
}

import Logging

/// The program's logger: lines on standard error, for a terminal or journald.
enum Logging {
    static func make(verbose: Bool) -> Logger {
        var logger = Logger(label: "stretchcue") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .info
        return logger
    }
}

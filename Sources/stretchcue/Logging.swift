import Controls
import Glibc
import Logging

/// The program's logger: lines on standard error, for a terminal or journald.
enum Logging {
    static func make(verbose: Bool) -> Logger {
        let journal = getenv("JOURNAL_STREAM") != nil
        var logger = Logger(label: "stretchcue") { label -> any LogHandler in
            journal ? JournalLogHandler() : StreamLogHandler.standardError(label: label)
        }
        logger.logLevel = verbose ? .debug : .info
        return logger
    }
}

/// Log lines for journald (standard error under systemd): the level as a
/// syslog priority prefix (`<6>`), which the journal reads and strips, no
/// time stamp (the journal adds its own), never a terminal escape code.
struct JournalLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let priority: Int =
            switch event.level {
            case .trace, .debug: 7
            case .info: 6
            case .notice: 5
            case .warning: 4
            case .error: 3
            case .critical: 2
            }
        let text = "\(event.message)".escapingControlCharacters
        TextOutput.standardError.write("<\(priority)>\(text)\n")
    }
}

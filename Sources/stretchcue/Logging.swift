import Controls
import Glibc
import Logging
import SystemCalls

/// The program's logger: lines on standard error, for a terminal (above
/// the status line) or journald.
enum Logging {
    static func make(verbose: Bool) -> Logger {
        let journal = standardErrorIsJournal(getenv("JOURNAL_STREAM").map { String(cString: $0) })
        var logger = Logger(label: "stretchcue") { label -> any LogHandler in
            journal ? JournalLogHandler() : StreamLogHandler(label: label, stream: AboveTheStatusLine())
        }
        logger.logLevel = verbose ? .debug : .info
        return logger
    }

    /// Whether standard error is the journal's stream: systemd names that
    /// stream in `JOURNAL_STREAM` as `DEVICE:INODE`, and a program whose
    /// output a unit pipes elsewhere inherits the variable, not the stream.
    static func standardErrorIsJournal(_ stream: String?) -> Bool {
        guard let parts = stream?.split(separator: ":"), parts.count == 2,
            let device = UInt64(parts[0]), let inode = UInt64(parts[1])
        else { return false }
        guard let identity = Files.identity(of: STDERR_FILENO) else { return false }
        return identity.device == device && identity.inode == inode
    }
}

/// Where log lines go on a terminal: standard error, above the status
/// line while `play` shows one, so a line never starts on the status line's row.
struct AboveTheStatusLine: TextOutputStream, Sendable {
    func write(_ string: String) {
        StatusLine.standardOutput.writeAbove(string, to: .standardError)
    }
}

/// Log lines for journald (standard error under systemd): the level as a
/// syslog priority prefix (`<6>`), which the journal reads and strips, the
/// line's metadata after it as `key=value` (`device=hw:1 routine=back-tension`),
/// no time stamp (the journal adds its own), never a terminal escape code.
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
        let fields = metadata.merging(event.metadata ?? [:]) { _, new in new }
            .sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let text = "\(event.message)\(fields)".escapingControlCharacters
        TextOutput.standardError.write("<\(priority)>\(text)\n")
    }
}

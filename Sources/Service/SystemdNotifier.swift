import Glibc
import SystemCalls

/// Tells systemd how the service is doing (`sd_notify`): `READY=1` once it
/// listens, `STATUS=` lines as it plays. A datagram to `$NOTIFY_SOCKET`
/// (a path, or an abstract name starting with `@`); nothing at all when
/// the variable is not set, as outside systemd. No libsystemd needed.
public struct SystemdNotifier: Sendable {
    public let socket: String?

    public init(socket: String? = getenv("NOTIFY_SOCKET").map { String(cString: $0) }) {
        self.socket = socket.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Sends `fields` (`READY=1`, `STATUS=...`), one a line; `false` when it could not.
    @discardableResult
    public func send(_ fields: [String]) -> Bool {
        guard let socket else { return false }
        return UnixSocket.sendDatagram(Array(fields.map { $0.replacingNewlines }.joined(separator: "\n").utf8), to: socket)
    }
}

extension String {
    /// The text on one line: line breaks as spaces.
    var replacingNewlines: String { String(map { $0.isNewline ? " " : $0 }) }
}

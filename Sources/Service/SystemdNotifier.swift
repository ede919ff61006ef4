import Glibc

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
        guard let socket, socket.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else { return false }
        let descriptor = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socket.utf8)
        // An abstract socket's name starts with a NUL byte, written `@`.
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let length = socklen_t(MemoryLayout.offset(of: \sockaddr_un.sun_path)! + path.count)
        let message = Array(fields.map { $0.replacingNewlines }.joined(separator: "\n").utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                message.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), address, length) }
            }
        }
        return sent == message.count
    }
}

extension String {
    /// The text on one line: line breaks as spaces.
    var replacingNewlines: String { String(map { $0.isNewline ? " " : $0 }) }
}

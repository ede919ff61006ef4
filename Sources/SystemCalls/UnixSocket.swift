import Glibc

/// Unix stream sockets from the client's side: the box's control socket,
/// as `ctl` and the remote reach it.
public enum UnixSocket {
    /// A connected stream socket to the box at `path`, close-on-exec.
    public static func connect(to path: String) throws(SystemError) -> FileDescriptor {
        let descriptor = FileDescriptor(
            owning: try SystemCall.retrying("socket", path: path) {
                socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            })
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw SystemError(call: "connect", path: path, errno: .nameTooLong)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let failure = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor.rawValue, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 ? nil : Errno.current
            }
        }
        if let failure { throw SystemError(call: "connect", path: path, errno: failure) }
        return descriptor
    }
}

extension UnixSocket {
    /// Sends one line to the server at `path` and returns its one-line
    /// reply; gives up after `timeout` without an answer, so a hung server
    /// cannot hold the caller.
    public static func ask(_ line: String, at path: String, timeout: Duration = .seconds(2)) throws(SystemError) -> String {
        let descriptor = try connect(to: path)
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            setsockopt(descriptor.rawValue, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
        }
        try Files.write(Array((line + "\n").utf8), to: descriptor.rawValue, path: path)
        var reader = LineReader(descriptor: descriptor.rawValue)
        guard let reply = reader.next() else {
            let failure = reader.failure ?? .connectionReset
            throw SystemError(call: "read", path: path, errno: failure, problem: failure == .wouldBlock ? "no answer in \(timeout)" : nil)
        }
        return reply
    }
}

extension UnixSocket {
    /// Makes reads of `descriptor` give up (EAGAIN) after `timeout` without data.
    public static func setReceiveTimeout(_ descriptor: borrowing FileDescriptor, _ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(descriptor.rawValue, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }
}

extension UnixSocket {
    /// Sends `message` as one datagram to the socket at `path`, or with the
    /// abstract name after `@`; `false` when it could not.
    public static func sendDatagram(_ message: [UInt8], to path: String) -> Bool {
        guard path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else { return false }
        let raw = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else { return false }
        let descriptor = FileDescriptor(owning: raw)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var name = Array(path.utf8)
        // An abstract socket's name starts with a NUL byte, written `@`.
        if name.first == UInt8(ascii: "@") { name[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: name) }
        let length = socklen_t(MemoryLayout.offset(of: \sockaddr_un.sun_path)! + name.count)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                message.withUnsafeBytes { sendto(descriptor.rawValue, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), address, length) }
            }
        }
        return sent == message.count
    }
}

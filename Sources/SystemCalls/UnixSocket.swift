import Glibc

/// Unix stream sockets from the client's side: the box's control socket,
/// as `ctl` and the remote reach it.
public enum UnixSocket {
    /// A connected stream socket to the box at `path`, close-on-exec.
    public static func connect(to path: String) throws(SystemError) -> Int32 {
        let descriptor = try SystemCall.retrying("socket", path: path) {
            socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(descriptor)
            throw SystemError(call: "connect", path: path, errno: .nameTooLong)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let failure = SystemError(call: "connect", path: path, errno: .current)
            close(descriptor)
            throw failure
        }
        return descriptor
    }
}

extension UnixSocket {
    /// Sends one line to the server at `path` and returns its one-line
    /// reply; gives up after `timeout` without an answer, so a hung server
    /// cannot hold the caller.
    public static func ask(_ line: String, at path: String, timeout: Duration = .seconds(2)) throws(SystemError) -> String {
        let descriptor = try connect(to: path)
        defer { close(descriptor) }
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            setsockopt(descriptor, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
        }
        try Files.write(Array((line + "\n").utf8), to: descriptor, path: path)
        var reader = LineReader(descriptor: descriptor)
        guard let reply = reader.next() else {
            let failure = reader.failure ?? .connectionReset
            throw SystemError(call: "read", path: path, errno: failure, problem: failure == .wouldBlock ? "no answer in \(timeout)" : nil)
        }
        return reply
    }
}

extension UnixSocket {
    /// Makes reads of `descriptor` give up (EAGAIN) after `timeout` without data.
    public static func setReceiveTimeout(_ descriptor: Int32, _ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Closes a socket this side is done with.
    public static func close(_ descriptor: Int32) { _ = Glibc.close(descriptor) }
}

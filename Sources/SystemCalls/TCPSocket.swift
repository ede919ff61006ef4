import Glibc

/// TCP connections made without blocking: a Snapcast server's source.
public enum TCPSocket {
    /// A non-blocking, close-on-exec stream socket to `address`, asking
    /// for a send buffer of `sendBuffer` bytes, with Nagle's delay off,
    /// connected within `timeout`; throws what kept it from connecting
    /// (`ETIMEDOUT` when the time ran out).
    public static func connect(to address: addrinfo, sendBuffer: Int, timeout: Duration) throws(Errno) -> FileDescriptor {
        let raw = socket(address.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else { throw Errno.current }
        let descriptor = FileDescriptor(owning: raw)
        var size = Int32(clamping: sendBuffer)
        setsockopt(raw, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var on: Int32 = 1
        setsockopt(raw, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        switch SystemCall.attempt({ Glibc.connect(raw, address.ai_addr, address.ai_addrlen) }) {
        case .success:
            return descriptor
        case .failure(let failure) where failure != .inProgress:
            throw failure
        case .failure:
            break
        }
        var poller = [pollfd(fd: raw, events: Int16(POLLOUT), revents: 0)]
        guard Poll.waitUninterrupted(&poller, milliseconds: timeout.pollMilliseconds) == 1 else { throw Errno(rawValue: ETIMEDOUT) }
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(raw, SOL_SOCKET, SO_ERROR, &code, &length)
        guard code == 0 else { throw Errno(rawValue: code) }
        return descriptor
    }

    /// The send buffer the kernel granted `descriptor` (`SO_SNDBUF`).
    public static func sendBufferSize(of descriptor: borrowing FileDescriptor) -> Int {
        var granted: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor.rawValue, SOL_SOCKET, SO_SNDBUF, &granted, &length)
        return Int(granted)
    }
}

import Foundation

/// A client of a Unix stream socket, as a script or an attacker would be:
/// a connection (made blocking, then non-blocking), what it has read, and
/// whether the other end has closed.
public final class SocketClient {
    public let descriptor: Int32
    public private(set) var received: [UInt8] = []
    public private(set) var closed = false

    public init(_ path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "connect \(path): \(reason)"])
        }
        _ = fcntl(descriptor, F_SETFL, O_NONBLOCK)
    }

    deinit { close(descriptor) }

    public func send(_ text: String) { send(Array(text.utf8)) }

    /// Sends what the socket takes now; returns how many bytes that was.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Int {
        max(0, bytes.withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) })
    }

    /// Closes the sending side, as `echo status | nc -N -U SOCKET` does.
    public func finishSending() { shutdown(descriptor, Int32(SHUT_WR)) }

    /// Reads what is there now.
    public func read() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { closed = true }
            guard count > 0 else { return }
            received += buffer[0..<count]
        }
    }

    /// Forgets what was read.
    public func clear() { received.removeAll(keepingCapacity: true) }

    /// Reads until the other end closes or `limit` passes; whether it closed.
    public func readUntilClosed(limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        while !closed && ContinuousClock.now < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&poller, 1, 10)
            read()
        }
        return closed
    }

    /// Reads until `count` lines have come or `limit` passes; whether they came.
    public func readLines(_ count: Int, limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        while lines.count < count && !closed && ContinuousClock.now < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&poller, 1, 10)
            read()
        }
        return lines.count >= count
    }

    public var lines: [String] { String(decoding: received, as: UTF8.self).split(separator: "\n").map(String.init) }
}

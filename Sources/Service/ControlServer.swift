import CLinux
import Glibc
import SystemCalls

/// The control socket: a local Unix stream socket, one request a line in,
/// one JSON object a line out (`ControlRequest`). It never blocks: the
/// daemon polls its descriptors with everything else and hands it what
/// became ready.
///
/// No client can stall the box or another client: a line longer than
/// `ControlRequest.longestLine`, or one that is not UTF-8 text, is answered
/// with an error and the client dropped; a client that sends nothing for
/// `idleTimeout` (unless it watches) is dropped; one that does not read
/// what it is sent, once `outputLimit` bytes wait for it, is dropped; past
/// `clientLimit` clients a newcomer is told so and closed.
public final class ControlServer {
    public let path: String
    private let listener: Int32
    private var clients: [Int32: Client] = [:]
    private let allowedGroup: gid_t?

    public static let clientLimit = 128
    /// How long a client that does not watch may stay silent.
    public let idleTimeout: Duration
    /// How much may wait for a client before it is taken for stuck.
    public let outputLimit: Int

    /// One connected client.
    private struct Client {
        var input: [UInt8] = []
        var output: [UInt8] = []
        var watching = false
        var lastHeard = ContinuousClock.now
        /// Drop the client once its output is written.
        var closing = false
    }

    /// What a client asked, or the line it sent that could not be read.
    public struct Received {
        public var client: Int32
        public var request: Result<ControlRequest, ControlError>
    }

    /// Listens at `path` (a stale socket left there is replaced; anything
    /// else there is an error), with permissions `mode`, owned by `group`
    /// when given: only root, this user and that group may connect.
    public init(
        path: String, group: gid_t? = nil, mode: mode_t = 0o660, idleTimeout: Duration = .seconds(60),
        outputLimit: Int = 256 * 1024
    ) throws(SystemError) {
        self.path = path
        allowedGroup = group
        self.idleTimeout = idleTimeout
        self.outputLimit = outputLimit
        var address = sockaddr_un()
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw SystemError(call: "bind", path: path, code: ENAMETOOLONG)
        }
        if Files.kind(of: path) != nil {
            var info = stat()
            if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK {
                unlink(path)
            } else {
                throw SystemError(call: "bind", path: path, code: EEXIST)
            }
        }
        listener = try SystemCall.retrying("socket", path: path) {
            socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        do throws(SystemError) {
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
            let length = socklen_t(MemoryLayout<sockaddr_un>.size)
            // Made with no permissions at all, then opened up: never reachable by others in between.
            let mask = umask(0o777)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
            }
            let failure = errno
            umask(mask)
            guard bound == 0 else { throw SystemError(call: "bind", path: path, code: failure) }
            if let group { _ = try SystemCall.retrying("chown", path: path) { chown(path, geteuid(), group) } }
            _ = try SystemCall.retrying("chmod", path: path) { chmod(path, mode) }
            _ = try SystemCall.retrying("listen", path: path) { listen(listener, 64) }
        } catch {
            close(listener)
            throw error
        }
    }

    deinit {
        for descriptor in clients.keys { close(descriptor) }
        close(listener)
        unlink(path)
    }

    /// The descriptors to poll and what for: the listener, and each client
    /// (for writing too while output waits).
    public var pollDescriptors: [pollfd] {
        [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            + clients.map { descriptor, client in
                pollfd(
                    fd: descriptor, events: Int16(POLLIN) | (client.output.isEmpty ? 0 : Int16(POLLOUT)), revents: 0)
            }
    }

    /// Whether a client waits to be written to.
    public var hasOutput: Bool { clients.values.contains { !$0.output.isEmpty } }

    /// Handles what `poll` said of the server's descriptors: accepts, reads,
    /// writes, drops. Returns the requests read, in order.
    public func handle(_ ready: [pollfd]) -> [Received] {
        var received: [Received] = []
        for poller in ready where poller.revents != 0 {
            if poller.fd == listener {
                acceptClients()
            } else if clients[poller.fd] != nil {
                if poller.revents & Int16(POLLOUT) != 0 { flush(poller.fd) }
                if poller.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { received += read(poller.fd) }
            }
        }
        dropIdleClients()
        return received
    }

    /// Sends `reply` to `client` as one line; after `andClose`, drops it once written.
    public func send(_ reply: JSON, to client: Int32, andClose: Bool = false) {
        guard clients[client] != nil else { return }
        clients[client]!.output += Array((reply.text + "\n").utf8)
        if andClose { clients[client]!.closing = true }
        flush(client)
    }

    /// Makes `client` a watcher: it receives every `broadcast` from now on.
    public func watch(_ client: Int32) { clients[client]?.watching = true }

    /// Sends `event` to every watcher, in order; none is skipped, and a
    /// watcher too slow to take them is dropped rather than sent a gap.
    public func broadcast(_ event: JSON) {
        for (descriptor, client) in clients where client.watching { send(event, to: descriptor) }
    }

    /// Clients connected now, and those of them that watch.
    public var clientCount: Int { clients.count }
    public var watcherCount: Int { clients.values.filter(\.watching).count }

    /// The user id of a client, from the kernel (`SO_PEERCRED`).
    private static func peer(_ descriptor: Int32) -> uid_t? {
        var user: UInt32 = 0
        return stretchcue_peer_user(descriptor, &user) == 0 ? uid_t(user) : nil
    }

    private func acceptClients() {
        while true {
            let descriptor = stretchcue_accept(listener)
            if descriptor < 0 {
                if errno == EINTR { continue }
                return
            }
            // The socket's permissions let only root, this user and the group in; check again with the kernel's word.
            guard let user = Self.peer(descriptor), user == 0 || user == geteuid() || allowedGroup != nil
            else {
                close(descriptor)
                continue
            }
            clients[descriptor] = Client()
            if clients.count > Self.clientLimit {
                send(.object([("ok", .bool(false)), ("error", .string("too many clients; try again later"))]), to: descriptor, andClose: true)
            }
        }
    }

    private func read(_ descriptor: Int32) -> [Received] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var received: [Received] = []
        while clients[descriptor] != nil {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            guard count > 0 else {
                drop(descriptor)
                break
            }
            clients[descriptor]!.lastHeard = .now
            clients[descriptor]!.input += buffer[0..<count]
            while let end = clients[descriptor]?.input.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(clients[descriptor]!.input[..<end])
                clients[descriptor]!.input.removeFirst(end + 1)
                guard line.count < ControlRequest.longestLine else {
                    refuse(descriptor, "a line longer than \(ControlRequest.longestLine) bytes")
                    return received
                }
                guard !line.contains(0), let text = String(validating: line, as: UTF8.self) else {
                    refuse(descriptor, "a line that is not UTF-8 text")
                    return received
                }
                let trimmed = text.hasSuffix("\r") ? String(text.dropLast()) : text
                do {
                    received.append(Received(client: descriptor, request: .success(try ControlRequest(line: trimmed))))
                } catch {
                    received.append(Received(client: descriptor, request: .failure(error)))
                }
            }
            if (clients[descriptor]?.input.count ?? 0) >= ControlRequest.longestLine {
                refuse(descriptor, "a line longer than \(ControlRequest.longestLine) bytes")
                return received
            }
        }
        return received
    }

    /// Answers a client that broke the protocol, and drops it.
    private func refuse(_ descriptor: Int32, _ what: String) {
        send(.object([("ok", .bool(false)), ("error", .string("\(what); closing"))]), to: descriptor, andClose: true)
        clients[descriptor]?.input.removeAll()
        if clients[descriptor] != nil { drop(descriptor) }
    }

    /// Writes what waits for `descriptor`, as much as it takes now.
    private func flush(_ descriptor: Int32) {
        guard var client = clients[descriptor] else { return }
        while !client.output.isEmpty {
            let written = client.output.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            guard written > 0 else {
                drop(descriptor)
                return
            }
            client.output.removeFirst(written)
        }
        clients[descriptor] = client
        if client.output.isEmpty && client.closing {
            drop(descriptor)
        } else if client.output.count > outputLimit {
            // Too slow to take what it is sent: dropped, never sent a gap.
            drop(descriptor)
        }
    }

    private func dropIdleClients() {
        let now = ContinuousClock.now
        for (descriptor, client) in clients where !client.watching && now - client.lastHeard > idleTimeout {
            drop(descriptor)
        }
    }

    private func drop(_ descriptor: Int32) {
        guard clients.removeValue(forKey: descriptor) != nil else { return }
        close(descriptor)
    }

    /// When the next idle client would be dropped, for the daemon's poll timeout; `nil` with none.
    public var nextIdleCheck: Duration? {
        let waiting = clients.values.filter { !$0.watching }.map(\.lastHeard)
        guard let oldest = waiting.min() else { return nil }
        return max(.zero, idleTimeout - (ContinuousClock.now - oldest)) + .milliseconds(10)
    }
}

import CLinux
import Configuration
import Glibc
import Playback
import SystemCalls

/// The control socket: a local Unix stream socket, one request a line in,
/// one JSON object a line out (`Request(line:)`). It never blocks: the
/// daemon polls its descriptors with everything else and hands it what
/// became ready.
///
/// No client can stall the box or shut another out:
/// - each turn takes at most `requestsPerTurn` requests from a client, and
///   reads from it only when it has none waiting and has taken its answers,
///   so a client that floods waits its turn like the others;
/// - a line longer than `Request.longestLine`, or one that is not
///   UTF-8 text, is answered with an error and the client dropped, and so
///   is a line left unfinished for `partialLineTimeout`;
/// - a client that asks nothing for `idleTimeout` (unless it watches) is
///   dropped: only whole requests count, not bytes;
/// - one that does not read what it is sent, once `outputLimit` bytes wait
///   for it, is dropped;
/// - with `clientLimit` clients connected, a newcomer takes the place of
///   the one that has asked nothing the longest (never a watcher's); only
///   when all are watchers is it told to try later.
///
/// A client that closes its side after asking is answered, then closed.
public final class ControlServer {
    public let path: String
    private let listener: FileDescriptor
    /// The connected clients, by their descriptor's number.
    private var clients: [Int32: Client] = [:]
    private let allowedGroup: gid_t?

    public static let clientLimit = 128
    /// Requests taken from one client in one turn.
    public static let requestsPerTurn = 4
    /// How long a client that does not watch may stay silent.
    public let idleTimeout: Duration
    /// How long a line may stay unfinished.
    public let partialLineTimeout: Duration
    /// How much may wait for a client before it is taken for stuck.
    public let outputLimit: Int

    /// A client's socket, shared by the copies of its `Client` and closed with the last.
    private final class Connection {
        let descriptor: FileDescriptor
        init(_ descriptor: consuming FileDescriptor) { self.descriptor = descriptor }
    }

    /// One connected client.
    private struct Client {
        let connection: Connection
        /// Bytes received and not taken yet: whole lines, then perhaps a part of one.
        var input: [UInt8] = []
        var output: [UInt8] = []
        var watching = false
        /// When it connected or last sent a whole request.
        var lastRequest = ContinuousClock.now
        /// When the unfinished line at the end of `input` began to arrive; `nil` with none.
        var partialSince: ContinuousClock.Instant?
        /// Requests handed on and not answered yet.
        var owed = 0
        /// It sends no more (its side is closed): answered, then dropped.
        var ended = false
        /// Drop the client once its output is written.
        var closing = false

        var hasWholeLine: Bool { input.contains(UInt8(ascii: "\n")) }
        /// Whether to read more from it now: not while it has requests or answers waiting.
        var wantsInput: Bool { !ended && !closing && output.isEmpty && !hasWholeLine }
        /// Whether it is done with: closed on its side, every request answered and written.
        var finished: Bool { ended && !watching && owed == 0 && output.isEmpty && !hasWholeLine }
    }

    /// What a client asked, or the line it sent that could not be read.
    public struct Received {
        public var client: Int32
        public var request: Result<Request, ControlError>
    }

    /// Listens at `path` (a stale socket left there is replaced; anything
    /// else there is an error), with permissions `mode`, owned by `group`
    /// when given: only root, this user and the members of that group may
    /// connect, whatever the mode lets through.
    public init(
        path: String, group: gid_t? = nil, mode: mode_t = 0o660, idleTimeout: Duration = .seconds(60),
        partialLineTimeout: Duration = .seconds(5), outputLimit: Int = 256 * 1024
    ) throws(SystemError) {
        self.path = path
        allowedGroup = group
        self.idleTimeout = idleTimeout
        self.partialLineTimeout = partialLineTimeout
        self.outputLimit = outputLimit
        listener = try UnixSocket.listen(at: path, group: group, mode: mode)
    }

    deinit { _ = Files.remove(path) }

    /// The descriptors to poll and what for: the listener, and each client
    /// (for reading when it may send more, for writing while output waits).
    public var pollDescriptors: [pollfd] {
        [pollfd(fd: listener.rawValue, events: Int16(POLLIN), revents: 0)]
            + clients.map { descriptor, client in
                let events = (client.wantsInput ? Int16(POLLIN) : 0) | (client.output.isEmpty ? 0 : Int16(POLLOUT))
                return pollfd(fd: descriptor, events: events, revents: 0)
            }
    }

    /// Handles what `poll` said of the server's descriptors: accepts, reads,
    /// writes, drops; then takes each client's next requests, a few at most
    /// from each. Returns the requests taken, in order within a client.
    public func handle(_ ready: [pollfd]) -> [Received] {
        for poller in ready where poller.revents != 0 {
            if poller.fd == listener.rawValue {
                acceptClients()
            } else if let client = clients[poller.fd] {
                if poller.revents & Int16(POLLOUT) != 0 { flush(poller.fd) }
                if client.wantsInput, poller.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                    read(poller.fd)
                } else if client.ended, client.owed == 0, poller.revents & Int16(POLLHUP | POLLERR) != 0 {
                    drop(poller.fd)
                }
            }
        }
        var received: [Received] = []
        for descriptor in clients.keys { received += takeRequests(descriptor) }
        dropIdleClients()
        for (descriptor, client) in clients where client.finished { drop(descriptor) }
        return received
    }

    /// Sends `reply` to `client` as one line, the answer to one of its
    /// requests; after `andClose`, drops it once written.
    public func send(_ reply: JSON, to client: Int32, andClose: Bool = false) {
        guard clients[client] != nil else { return }
        clients[client]!.owed = max(0, clients[client]!.owed - 1)
        enqueue(reply, for: client)
        if andClose { clients[client]?.closing = true }
        flush(client)
    }

    /// Makes `client` a watcher: it receives every `broadcast` from now on.
    public func watch(_ client: Int32) { clients[client]?.watching = true }

    /// Sends `event` to every watcher, in order; none is skipped, and a
    /// watcher too slow to take them is dropped rather than sent a gap.
    public func broadcast(_ event: JSON) {
        for (descriptor, client) in clients where client.watching {
            enqueue(event, for: descriptor)
            flush(descriptor)
        }
    }

    /// Clients connected now, and those of them that watch.
    public var clientCount: Int { clients.count }
    public var watcherCount: Int { clients.values.filter(\.watching).count }

    /// Whether the kernel's word on who is at the other end of `descriptor`
    /// (`SO_PEERCRED`) lets them in: root, this user, or a member of the
    /// socket's group.
    private func admits(_ descriptor: Int32) -> Bool {
        var user: UInt32 = 0
        guard stretchcue_peer_user(descriptor, &user) == 0 else { return false }
        if user == 0 || user == geteuid() { return true }
        guard let allowedGroup else { return false }
        return stretchcue_user_in_group(user, allowedGroup) == 1
    }

    private func acceptClients() {
        while let connection = UnixSocket.accept(from: listener) {
            let descriptor = connection.rawValue
            guard admits(descriptor) else { continue }
            let client = Client(connection: Connection(connection))
            if clients.count >= Self.clientLimit {
                let longestIdle = clients.filter { !$0.value.watching }.min { $0.value.lastRequest < $1.value.lastRequest }?.key
                if let longestIdle {
                    drop(longestIdle)
                } else {
                    clients[descriptor] = client
                    refuse(descriptor, "too many clients; try again later")
                    continue
                }
            }
            clients[descriptor] = client
        }
    }

    /// Reads what `descriptor` sent, one buffer's worth at most. Its end
    /// (its side closed) ends an unfinished last line.
    private func read(_ descriptor: Int32) {
        guard let connection = clients[descriptor]?.connection else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count: Int
        switch buffer.withUnsafeMutableBytes({ connection.descriptor.read(into: $0) }) {
        case .success(let read): count = read
        case .failure(.wouldBlock): return
        case .failure: return drop(descriptor)
        }
        guard count > 0 else {
            clients[descriptor]!.ended = true
            if clients[descriptor]!.partialSince != nil { clients[descriptor]!.input.append(UInt8(ascii: "\n")) }
            clients[descriptor]!.partialSince = nil
            return
        }
        let chunk = buffer[0..<count]
        clients[descriptor]!.input += chunk
        if chunk.last == UInt8(ascii: "\n") {
            clients[descriptor]!.partialSince = nil
        } else if chunk.contains(UInt8(ascii: "\n")) || clients[descriptor]!.partialSince == nil {
            clients[descriptor]!.partialSince = .now
        }
    }

    /// The next whole lines `descriptor` sent, `requestsPerTurn` at most, as requests.
    private func takeRequests(_ descriptor: Int32) -> [Received] {
        var received: [Received] = []
        while received.count < Self.requestsPerTurn, let client = clients[descriptor], !client.closing,
            let end = client.input.firstIndex(of: UInt8(ascii: "\n"))
        {
            let line = Array(client.input[..<end])
            let text = line.contains(0) ? nil : String(validating: line, as: UTF8.self)
            guard line.count < Request.longestLine, let text else {
                // Refused on a turn of its own, once the requests before it are answered.
                if received.isEmpty {
                    refuse(descriptor, text == nil ? "a line that is not UTF-8 text" : "a line longer than \(Request.longestLine) bytes")
                }
                return received
            }
            clients[descriptor]!.input.removeFirst(end + 1)
            clients[descriptor]!.lastRequest = .now
            let trimmed = text.hasSuffix("\r") ? String(text.dropLast()) : text
            clients[descriptor]!.owed += 1
            do {
                received.append(Received(client: descriptor, request: .success(try Request(line: trimmed))))
            } catch {
                received.append(Received(client: descriptor, request: .failure(error)))
            }
        }
        if received.isEmpty, let client = clients[descriptor], !client.closing, !client.hasWholeLine,
            client.input.count >= Request.longestLine
        {
            refuse(descriptor, "a line longer than \(Request.longestLine) bytes")
        }
        return received
    }

    /// Answers a client that broke the protocol, and drops it once the answer is written.
    private func refuse(_ descriptor: Int32, _ what: String) {
        clients[descriptor]?.input.removeAll()
        clients[descriptor]?.closing = true
        enqueue(.object([("ok", .bool(false)), ("error", .string("\(what); closing"))]), for: descriptor)
        flush(descriptor)
    }

    private func enqueue(_ line: JSON, for descriptor: Int32) {
        clients[descriptor]?.output += Array((line.text + "\n").utf8)
    }

    /// Writes what waits for `descriptor`, as much as it takes now.
    private func flush(_ descriptor: Int32) {
        guard var client = clients[descriptor] else { return }
        while !client.output.isEmpty {
            let sent = client.output.withUnsafeBytes { client.connection.descriptor.send($0) }
            if case .failure(.wouldBlock) = sent { break }
            guard case .success(let written) = sent, written > 0 else {
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

    /// Drops the clients silent too long, and those holding a line unfinished too long.
    private func dropIdleClients() {
        let now = ContinuousClock.now
        for (descriptor, client) in clients {
            if client.closing {
                // Refused, and not taking its answer: let go all the same.
                if now - client.lastRequest > idleTimeout { drop(descriptor) }
            } else if let partialSince = client.partialSince, now - partialSince > partialLineTimeout {
                refuse(descriptor, "a line left unfinished for \(partialLineTimeout)")
            } else if !client.watching && client.owed == 0 && now - client.lastRequest > idleTimeout {
                drop(descriptor)
            }
        }
    }

    private func drop(_ descriptor: Int32) {
        // Closed with the last copy of the client.
        clients.removeValue(forKey: descriptor)
    }

    /// How long the daemon may wait before the server's next turn with
    /// nothing ready: none while requests wait to be taken, else until the
    /// next silent client or unfinished line falls due; `nil`: no limit.
    public var untilNextTurn: Duration? {
        if clients.values.contains(where: { $0.hasWholeLine && !$0.closing }) { return .zero }
        let now = ContinuousClock.now
        var dues: [Duration] = []
        for client in clients.values {
            if let partialSince = client.partialSince { dues.append(partialLineTimeout - (now - partialSince)) }
            if !client.watching { dues.append(idleTimeout - (now - client.lastRequest)) }
        }
        return dues.min().map { max(.zero, $0) + .milliseconds(10) }
    }
}

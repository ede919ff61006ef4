import Glibc
import Playback
import Synchronization
import SystemCalls

/// The box's status as its control socket's `watch` tells it: kept for
/// `/status` and the page, and sent on to every event stream the moment it
/// changes. While no box answers, the status is `nil` and the feed tries
/// again every second.
public final class BoxFeed: Sendable {
    public let socket: String
    private let streams: EventStreams
    private let latest = Mutex<String?>(nil)
    /// How long the watch may be silent before the streams are sent a comment, so dead pages are noticed.
    public static let keepAlive = 15

    public init(socket: String, streams: EventStreams) {
        self.socket = socket
        self.streams = streams
    }

    /// The box's last status, a JSON object; `nil` while no box answers.
    public var status: String? { latest.withLock { $0 } }

    /// The event a stream starts with, and is sent on every change: `data: STATUS` (or `null`).
    public func event() -> [UInt8] { Array("data: \(status ?? "null")\n\n".utf8) }

    /// Watches the box on a thread of its own, for as long as the process lives.
    public func start() {
        let thread = BackgroundThread { [self] in
            while true {
                watchOnce()
                update(nil)
                sleep(1)
            }
        }
        thread.detach()
    }

    /// One connection's `watch`, until the box goes away.
    private func watchOnce() {
        guard let connection = try? UnixSocket.connect(to: socket) else { return }
        UnixSocket.setReceiveTimeout(connection, .seconds(Self.keepAlive))
        guard (try? Files.write(Array("watch\n".utf8), to: connection.rawValue)) != nil else { return }
        var reader = LineReader(descriptor: connection.rawValue)
        while true {
            guard let line = reader.next() else {
                if reader.failure == .wouldBlock {
                    streams.publish(Array(": still here\n\n".utf8))
                    continue
                }
                return
            }
            guard let status = Self.statusObject(in: line) else { continue }
            update(status)
        }
    }

    private func update(_ status: String?) {
        let changed = latest.withLock { latest in
            defer { latest = status }
            return latest != status
        }
        if changed { streams.publish(event()) }
    }

    /// The `status` object of a reply or event line (`{"ok":true,"status":{...}}`), as text; the box puts it last.
    static func statusObject(in line: String) -> String? {
        guard let key = line.firstRange(of: "\"status\":{"), line.hasSuffix("}}") else { return nil }
        return String(line[line.index(before: key.upperBound)..<line.index(before: line.endIndex)])
    }
}

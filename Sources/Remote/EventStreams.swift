import CMicroHTTPD
import Synchronization

/// The open `/events` streams: each gets every event published, in order.
/// A stream with nothing to send is suspended (libmicrohttpd stops
/// polling it) and resumed when an event comes, so waiting pages cost no
/// work; one that falls `backlogLimit` bytes behind is ended.
public final class EventStreams: Sendable {
    /// One open stream.
    final class Stream: @unchecked Sendable {
        /// The connection, touched only under the streams' lock.
        let connection: OpaquePointer
        /// The streams it belongs to, for libmicrohttpd's callbacks.
        let owner: EventStreams
        var pending: [UInt8] = []
        var suspended = false
        var ended = false

        init(connection: OpaquePointer, owner: EventStreams) {
            self.connection = connection
            self.owner = owner
        }
    }

    private struct State: ~Copyable {
        var streams: [ObjectIdentifier: Stream] = [:]
    }
    private let state = Mutex(State())
    /// Streams open at once, at most.
    public let limit: Int
    public static let backlogLimit = 64 * 1024

    public init(limit: Int = 64) { self.limit = limit }

    /// A new stream for `connection`, which starts with `first`; `nil` when `limit` are open.
    func open(_ connection: OpaquePointer, first: [UInt8]) -> Stream? {
        state.withLock { state in
            guard state.streams.count < limit else { return nil }
            let stream = Stream(connection: connection, owner: self)
            stream.pending = first
            state.streams[ObjectIdentifier(stream)] = stream
            return stream
        }
    }

    /// Sends `bytes` to every stream.
    public func publish(_ bytes: [UInt8]) {
        state.withLock { state in
            for stream in state.streams.values where !stream.ended {
                if stream.pending.count + bytes.count > Self.backlogLimit {
                    stream.ended = true
                    stream.pending = []
                } else {
                    stream.pending += bytes
                }
                wake(stream)
            }
        }
    }

    /// Ends every stream, as the remote stops.
    public func endAll() {
        state.withLock { state in
            for stream in state.streams.values {
                stream.ended = true
                wake(stream)
            }
        }
    }

    /// Copies what waits for `stream` into `buffer`: the count, 0 after
    /// suspending it with nothing waiting, -1 once it is ended.
    func read(_ stream: Stream, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        state.withLock { _ in
            if stream.ended { return -1 }
            guard !stream.pending.isEmpty else {
                stream.suspended = true
                stretchcue_mhd_suspend_connection(stream.connection)
                return 0
            }
            let count = min(buffer.count, stream.pending.count)
            buffer.copyBytes(from: stream.pending[..<count])
            stream.pending.removeFirst(count)
            return count
        }
    }

    /// Forgets `stream`: its connection is gone.
    func close(_ stream: Stream) {
        _ = state.withLock { $0.streams.removeValue(forKey: ObjectIdentifier(stream)) }
    }

    private func wake(_ stream: Stream) {
        guard stream.suspended else { return }
        stream.suspended = false
        stretchcue_mhd_resume_connection(stream.connection)
    }
}

import CLinux
import Glibc

/// A file descriptor one thread makes readable to interrupt another
/// thread's `poll`: how a command reaches an audio thread that waits on a
/// device that may never answer. An `eventfd` (as SwiftNIO's selector wakes
/// itself): a signal adds one to its counter, `clear` reads it back to zero,
/// one descriptor where a pipe took two.
public final class WakeUp: Sendable {
    /// The descriptor to poll for `POLLIN`.
    public let descriptor: Int32

    public init() {
        descriptor = stretchcue_event_descriptor()
        precondition(descriptor >= 0, "eventfd failed: \(String(cString: strerror(errno)))")
    }

    deinit { Glibc.close(descriptor) }

    /// Makes the descriptor readable until `clear`; safe from any thread.
    public func signal() {
        var one: UInt64 = 1
        // EAGAIN only if the counter were about to overflow: signalled already.
        _ = SystemCall.uninterrupted { Glibc.write(descriptor, &one, 8) }
    }

    /// Makes the descriptor unreadable again.
    public func clear() {
        var count: UInt64 = 0
        _ = SystemCall.uninterrupted { Glibc.read(descriptor, &count, 8) }
    }

    /// Waits for a signal, however long it takes, without clearing it.
    public func wait() {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        _ = SystemCall.uninterrupted { poll(&poller, 1, -1) }
    }

    /// Waits up to `timeout` for a signal, without clearing it; `true` when signalled.
    public func wait(upTo timeout: Duration) -> Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return SystemCall.uninterrupted { poll(&poller, 1, timeout.pollMilliseconds) } > 0
    }
}

extension Duration {
    /// The duration in whole milliseconds for `poll`, rounded up so a short
    /// wait never becomes a busy loop.
    public var pollMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(0, milliseconds))
    }
}

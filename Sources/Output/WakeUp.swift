import Glibc
import SystemCalls

/// A file descriptor one thread makes readable to interrupt another
/// thread's `poll`: how a command reaches an audio thread that waits on a
/// device that may never answer. A non-blocking pipe: a signal writes a
/// byte (a full pipe is signalled already), `clear` reads them all.
public final class WakeUp: Sendable {
    /// The descriptor to poll for `POLLIN`.
    public let descriptor: Int32
    private let writeEnd: Int32

    public init() {
        var ends: (Int32, Int32) = (-1, -1)
        let made = withUnsafeMutableBytes(of: &ends) { pipe($0.baseAddress!.assumingMemoryBound(to: Int32.self)) }
        precondition(made == 0, "pipe failed: \(String(cString: strerror(errno)))")
        (descriptor, writeEnd) = ends
        for end in [descriptor, writeEnd] {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        Glibc.close(descriptor)
        Glibc.close(writeEnd)
    }

    /// Makes the descriptor readable until `clear`; safe from any thread.
    public func signal() {
        var byte: UInt8 = 1
        // A full pipe (EAGAIN) is signalled already.
        _ = SystemCall.uninterrupted { Glibc.write(writeEnd, &byte, 1) }
    }

    /// Makes the descriptor unreadable again.
    public func clear() {
        var bytes = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &bytes, { Glibc.read(descriptor, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// Waits up to `timeout` for a signal, without clearing it; `true` when signalled.
    public func wait(upTo timeout: Duration) -> Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, timeout.pollMilliseconds) > 0
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

import Glibc

/// Waiting for descriptors to be ready (`poll`).
public enum Poll {
    /// Waits up to `milliseconds` (-1: however long) for one of `set` to be
    /// ready; the number ready, 0 when the time ran out, -1 when a signal
    /// came first (for a loop that looks at what the signal changed).
    public static func wait(_ set: inout [pollfd], milliseconds: Int32) -> Int32 {
        poll(&set, nfds_t(set.count), milliseconds)
    }

    /// As `wait`, on a set made once (the audio thread's, which may not allocate).
    public static func wait(_ set: UnsafeMutableBufferPointer<pollfd>, milliseconds: Int32) -> Int32 {
        poll(set.baseAddress, nfds_t(set.count), milliseconds)
    }

    /// As `wait`, waiting again while signals interrupt it.
    public static func waitUninterrupted(_ set: inout [pollfd], milliseconds: Int32) -> Int32 {
        SystemCall.uninterrupted { poll(&set, nfds_t(set.count), milliseconds) }
    }
}

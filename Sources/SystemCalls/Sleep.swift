import Glibc

/// Sleeps the calling thread for `duration`, through signals: unlike a
/// plain retry (`SystemCall`), an interrupted sleep goes on for the time
/// that was left.
public func sleep(for duration: Duration) {
    var time = timespec(duration)
    var remaining = timespec()
    while nanosleep(&time, &remaining) == -1 && errno == EINTR { time = remaining }
}

extension timespec {
    /// A duration as seconds and nanoseconds.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    }
}

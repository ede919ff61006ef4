import Glibc

/// A POSIX semaphore: one thread waits, another wakes it.
public final class Semaphore: @unchecked Sendable {
    // sem_t is made to be shared between threads; it only must not move.
    private let semaphore = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)

    public init() { sem_init(semaphore, 0, 0) }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    /// Wakes the waiting thread, or the next one to wait.
    public func signal() { sem_post(semaphore) }

    /// Waits until signalled or until `timeout` has passed. (sem_timedwait
    /// takes a wall-clock deadline; a clock jump only makes one wait longer
    /// or shorter, and the waiter looks again either way.)
    public func wait(upTo timeout: Duration) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let span = timespec(timeout)
        let nanoseconds = now.tv_nsec + span.tv_nsec
        var deadline = timespec(
            tv_sec: now.tv_sec + span.tv_sec + nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000)
        // Ended by a post or by the deadline (ETIMEDOUT); either way the waiter looks again.
        _ = SystemCall.uninterrupted { sem_timedwait(semaphore, &deadline) }
    }
}

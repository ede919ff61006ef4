import Glibc

/// A plain POSIX thread running one closure, joined when done.
public final class BackgroundThread {
    private var thread = pthread_t()

    /// Starts `body` on a new thread.
    public init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let created = pthread_create(
            &thread, nil,
            { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                box.body()
                return nil
            }, box)
        precondition(created == 0, "pthread_create failed: \(created)")
    }

    /// Waits for the closure to return.
    public func join() { pthread_join(thread, nil) }

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}

/// Sleeps the calling thread for `duration`, through signals.
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

/// A POSIX semaphore: one thread waits, another wakes it.
final class Semaphore: @unchecked Sendable {
    // sem_t is made to be shared between threads; it only must not move.
    private let semaphore = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)

    init() { sem_init(semaphore, 0, 0) }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    /// Wakes the waiting thread, or the next one to wait.
    func signal() { sem_post(semaphore) }

    /// Waits until signalled or until `timeout` has passed. (sem_timedwait
    /// takes a wall-clock deadline; a clock jump only makes one wait longer
    /// or shorter, and the waiter looks again either way.)
    func wait(upTo timeout: Duration) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let span = timespec(timeout)
        let nanoseconds = now.tv_nsec + span.tv_nsec
        var deadline = timespec(
            tv_sec: now.tv_sec + span.tv_sec + nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000)
        while sem_timedwait(semaphore, &deadline) == -1 && errno == EINTR {}
    }
}

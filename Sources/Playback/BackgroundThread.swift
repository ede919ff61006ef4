import Glibc
import SystemCalls

/// A plain POSIX thread running one closure, joined when done (once).
public final class BackgroundThread: Sendable {
    private let thread: pthread_t

    /// Starts `body` on a new thread, at normal priority whatever the
    /// thread that starts it runs at (the audio thread may run in real time).
    public init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        var normal = sched_param(sched_priority: 0)
        pthread_attr_setinheritsched(&attributes, Int32(PTHREAD_EXPLICIT_SCHED))
        pthread_attr_setschedpolicy(&attributes, SCHED_OTHER)
        pthread_attr_setschedparam(&attributes, &normal)
        var thread = pthread_t()
        let created = pthread_create(
            &thread, &attributes,
            { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                box.body()
                return nil
            }, box)
        precondition(created == 0, "pthread_create failed: \(created)")
        self.thread = thread
    }

    /// Waits for the closure to return.
    public func join() { pthread_join(thread, nil) }

    /// Lets the thread end on its own, unjoined: for one held where it may
    /// never return. Neither `join` nor `detach` may follow.
    public func detach() { pthread_detach(thread) }

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}

/// Runs `body` with the calling thread scheduled in real time
/// (`SCHED_FIFO`), as sound servers and MPD run their audio threads, so a
/// busy machine cannot hold the feed up; then puts the thread back as it
/// was. Where real time is not allowed (not root, no `LimitRTPRIO` in the
/// service) `body` runs at the thread's own priority. `body` is told which.
func inRealTime<Result>(_ body: (_ raised: Bool) throws -> Result) rethrows -> Result {
    let thread = pthread_self()
    var policy: Int32 = 0
    var before = sched_param()
    pthread_getschedparam(thread, &policy, &before)
    var parameters = sched_param(sched_priority: realTimePriority)
    let raised = pthread_setschedparam(thread, SCHED_FIFO, &parameters) == 0
    defer { if raised { pthread_setschedparam(thread, policy, &before) } }
    return try body(raised)
}

/// A low real-time priority: above every normal thread, below the kernel's
/// own and a sound server's (PulseAudio and PipeWire ask for 20 and 88).
let realTimePriority: Int32 = 5

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
        // Ended by a post or by the deadline (ETIMEDOUT); either way the waiter looks again.
        _ = SystemCall.uninterrupted { sem_timedwait(semaphore, &deadline) }
    }
}

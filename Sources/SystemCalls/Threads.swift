import Glibc

/// A plain POSIX thread running one closure, joined when done (once).
public final class BackgroundThread: Sendable {
    private let thread: pthread_t

    /// Starts `body` on a new thread, at normal priority whatever the
    /// thread that starts it runs at (the audio thread may run in real time).
    public init(_ body: @escaping @Sendable () -> Void) {
        let started = Self.start(body)
        precondition(started.code == 0, "pthread_create failed: \(started.code)")
        thread = started.thread
    }

    /// Starts `body` on a new thread left to end on its own (for one that
    /// may never return); `false` when no thread could be made.
    public static func startDetached(_ body: @escaping @Sendable () -> Void) -> Bool {
        let started = start(body)
        guard started.code == 0 else { return false }
        pthread_detach(started.thread)
        return true
    }

    private static func start(_ body: @escaping @Sendable () -> Void) -> (thread: pthread_t, code: Int32) {
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
        if created != 0 { Unmanaged<Box>.fromOpaque(box).release() }
        return (thread, created)
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
public func inRealTime<Result>(_ body: (_ raised: Bool) throws -> Result) rethrows -> Result {
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
public let realTimePriority: Int32 = 5

import CLinux
import Glibc

/// The process's signals, as the program takes them.
public enum Signals {
    /// Blocks `signals` for the calling thread and the threads it starts
    /// from now on, so that they reach only a thread that waits for them.
    public static func block(_ signals: [Int32]) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// A non-blocking descriptor that polls readable when one of `signals`
    /// arrives (signalfd); the signals are blocked, so they arrive there only.
    public static func descriptor(for signals: [Int32]) throws(SystemError) -> FileDescriptor {
        block(signals)
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        return FileDescriptor(owning: try SystemCall.retrying("signalfd") { stretchcue_signal_descriptor(&set) })
    }

    /// The next signal waiting on a `descriptor(for:)`, 0 when none is.
    public static func next(from descriptor: borrowing FileDescriptor) -> Int32 {
        stretchcue_next_signal(descriptor.rawValue)
    }

    /// Unblocks `signals` for the calling thread and the threads it starts from now on.
    public static func unblock(_ signals: [Int32]) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Runs `handler` on the signal from now on (`signal`); it may call
    /// only what is safe in a signal handler.
    public static func handle(_ signal: Int32, with handler: @escaping @convention(c) (Int32) -> Void) {
        Glibc.signal(signal, handler)
    }

    /// Lets the signal pass without effect (`SIG_IGN`): SIGPIPE, so that a
    /// write to a closed pipe fails rather than kills.
    public static func ignore(_ signal: Int32) { Glibc.signal(signal, SIG_IGN) }

    /// Waits for one of `signals` (blocked by `block` first) and returns it.
    public static func wait(for signals: [Int32]) -> Int32 {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        var signal: Int32 = 0
        while sigwait(&set, &signal) != 0 {}
        return signal
    }
}

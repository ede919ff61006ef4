import Glibc
import Synchronization

/// SIGINT and SIGTERM, caught so that a command can stop cleanly: finish
/// what it must, remove what it must not leave, and exit with the right code.
enum Interruption {
    /// The signal received, or 0.
    private static let received = Atomic<Int32>(0)

    /// Catches SIGINT and SIGTERM from now on. They are unblocked too: a
    /// program started by another with signals blocked would not hear them.
    static func catchSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { Interruption.received.store($0, ordering: .relaxed) }
            sigaddset(&signals, signalNumber)
        }
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    /// Sleeps for `duration` in short steps; `false` as soon as a signal has arrived.
    static func sleep(_ duration: Duration) -> Bool {
        var left = duration
        while left > .zero {
            if caught != nil { return false }
            let step = min(left, .milliseconds(50))
            var time = timespec(tv_sec: 0, tv_nsec: Int(step.components.attoseconds / 1_000_000_000))
            if step.components.seconds > 0 { time.tv_sec = Int(step.components.seconds) }
            nanosleep(&time, nil)
            left -= step
        }
        return caught == nil
    }

    /// The signal that arrived, if one has.
    static var caught: Int32? {
        let value = received.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}

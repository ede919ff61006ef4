import Controls
import Glibc
import Synchronization

/// SIGINT, SIGTERM and SIGHUP, caught so that a command can stop cleanly:
/// finish what it must, remove what it must not leave, put the terminal
/// back, and exit with the right code. A second SIGINT stops at once.
enum Interruption {
    /// The signal received, or 0.
    private static let received = Atomic<Int32>(0)

    /// Catches the signals from now on. They are unblocked too: a program
    /// started by another with signals blocked would not hear them.
    static func catchSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { number in
                if number == SIGINT && Interruption.received.load(ordering: .relaxed) == SIGINT {
                    // Ctrl-C twice: no fade, no drain; only the terminal is put back.
                    Terminal.restore()
                    _exit(130)
                }
                Interruption.received.store(number, ordering: .relaxed)
            }
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

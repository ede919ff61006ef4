import Controls
import Glibc
import Synchronization
import SystemCalls

/// SIGINT, SIGTERM and SIGHUP, caught so that a command can stop cleanly:
/// finish what it must, remove what it must not leave, put the terminal
/// back, and exit with the right code. A second SIGINT stops at once.
enum Interruption {
    /// The signal received, or 0.
    private static let received = Atomic<Int32>(0)

    /// Whether a second SIGINT ends the process at once.
    private static let exitsOnSecondInterrupt = Atomic<Bool>(true)

    /// Catches the signals from now on. They are unblocked too: a program
    /// started by another with signals blocked would not hear them. With
    /// `exitAtOnceOnSecondInterrupt` (play), Ctrl-C twice stops at once;
    /// without (render), it waits for the partial file to be removed.
    static func catchSignals(exitAtOnceOnSecondInterrupt: Bool = true) {
        exitsOnSecondInterrupt.store(exitAtOnceOnSecondInterrupt, ordering: .relaxed)
        let signals = [SIGINT, SIGTERM, SIGHUP]
        for signal in signals {
            Signals.handle(signal) { number in
                if number == SIGINT && Interruption.received.load(ordering: .relaxed) == SIGINT
                    && Interruption.exitsOnSecondInterrupt.load(ordering: .relaxed)
                {
                    // Ctrl-C twice: no fade, no drain; only the terminal is put back.
                    Terminal.restore()
                    _exit(130)
                }
                Interruption.received.store(number, ordering: .relaxed)
            }
        }
        Signals.unblock(signals)
    }

    /// Sleeps for `duration` in short steps; `false` as soon as a signal has
    /// arrived or `stopping` says so.
    static func sleep(_ duration: Duration, stopping: () -> Bool) -> Bool {
        var left = duration
        while left > .zero, caught == nil, !stopping() {
            let step = min(left, .milliseconds(50))
            SystemCalls.sleep(for: step)
            left -= step
        }
        return caught == nil && !stopping()
    }

    /// The signal that arrived, if one has.
    static var caught: Int32? {
        let value = received.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}

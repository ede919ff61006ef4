import Glibc
import Synchronization

/// SIGINT and SIGTERM, caught so that a command can stop cleanly: finish
/// what it must, remove what it must not leave, and exit with the right code.
enum Interruption {
    /// The signal received, or 0.
    private static let received = Atomic<Int32>(0)

    /// Catches SIGINT and SIGTERM from now on.
    static func catchSignals() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { Interruption.received.store($0, ordering: .relaxed) }
        }
    }

    /// The signal that arrived, if one has.
    static var caught: Int32? {
        let value = received.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}

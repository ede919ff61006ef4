import Glibc
import Synchronization

/// The one thread a thing's confined methods may run on: the first thread
/// that calls `check`. Like SwiftNIO's `preconditionInEventLoop`, checked
/// in debug builds only: in a release build `check` does nothing.
public final class OwningThread: Sendable {
    /// The owner's `pthread_t`; 0 until the first check.
    private let owner = Atomic<UInt>(0)
    private let role: StaticString

    /// `role` names the thread in the failure message ("the audio thread").
    public init(_ role: StaticString) { self.role = role }

    /// Stops a debug build when called on another thread than the first one that called it.
    @inline(__always)
    public func check(file: StaticString = #fileID, line: UInt = #line) {
        assert(isOwner, "not on \(role)", file: file, line: line)
    }

    /// Whether the calling thread owns the thing, claiming it for the thread if nobody does yet.
    private var isOwner: Bool {
        let me = UInt(pthread_self())
        let (claimed, owner) = owner.compareExchange(expected: 0, desired: me, ordering: .relaxed)
        return claimed || owner == me
    }
}

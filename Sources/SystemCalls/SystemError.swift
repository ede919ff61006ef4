/// A failed system call: which call, on which path (when it has one), and
/// the `errno` it left.
public struct SystemError: Error, Equatable, CustomStringConvertible {
    /// The C function that failed: `open`, `rename`, `fsync`...
    public var call: String
    /// The file it was called on, if any.
    public var path: String?
    /// Why it failed.
    public var errno: Errno
    /// What is wrong, where that is more than the `errno` says: what was
    /// found where a regular file belongs.
    public var problem: String?

    public init(call: String, path: String? = nil, errno: Errno, problem: String? = nil) {
        self.call = call
        self.path = path
        self.errno = errno
        self.problem = problem
    }

    /// What is wrong: `problem`, else what the system says of the error (`strerror`'s text).
    public var reason: String { problem ?? errno.description }

    /// `PATH: reason (call)`, or `reason (call)` without a path.
    public var description: String {
        guard let path else { return "\(reason) (\(call))" }
        return "\(path): \(reason) (\(call))"
    }
}

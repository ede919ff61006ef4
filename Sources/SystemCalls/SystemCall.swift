import Glibc

/// A system call that reports failure as -1 and `errno`, retried while a
/// signal interrupts it (`EINTR`), its failure turned into a `SystemError`
/// that names the call and the path. (Not yet the only way: some modules
/// still call libc themselves.)
public enum SystemCall {
    /// Calls `body` until it is not interrupted by a signal; returns its
    /// result, or throws its failure.
    @inlinable
    public static func retrying<Result: FixedWidthInteger>(
        _ call: String, path: String? = nil, _ body: () -> Result
    ) throws(SystemError) -> Result {
        while true {
            let result = body()
            if result != -1 { return result }
            if errno != EINTR { throw SystemError(call: call, path: path, code: errno) }
        }
    }

    /// Calls `body` until it is not interrupted by a signal, and returns what
    /// it returned last, failure or not: for calls whose failure the caller
    /// handles in place (a full pipe, a device with no room).
    @inlinable
    public static func uninterrupted<Result: FixedWidthInteger>(_ body: () -> Result) -> Result {
        while true {
            let result = body()
            if result != -1 || errno != EINTR { return result }
        }
    }
}

import Glibc

/// A system call that reports failure as -1 and `errno`, retried while a
/// signal interrupts it (`EINTR`), its failure turned into a `SystemError`
/// that names the call and the path. `errno` is read in the same function
/// as the call, right after it: never inlined (as SwiftNIO's `syscall`),
/// so nothing the caller does in between can change it.
public enum SystemCall {
    /// Calls `body` until it is not interrupted by a signal; returns its
    /// result, or throws its failure.
    @inlinable @inline(never)
    public static func retrying<Result: FixedWidthInteger>(
        _ call: String, path: String? = nil, _ body: () -> Result
    ) throws(SystemError) -> Result {
        while true {
            let result = body()
            if result != -1 { return result }
            let failure = Errno.current
            if failure != .interrupted { throw SystemError(call: call, path: path, errno: failure) }
        }
    }

    /// Calls `body` until it is not interrupted by a signal; returns its
    /// result, or the `errno` it failed with: for calls whose failure the
    /// caller handles in place (a full pipe, a connection in progress).
    @inlinable @inline(never)
    public static func attempt<Value: FixedWidthInteger>(_ body: () -> Value) -> Result<Value, Errno> {
        while true {
            let result = body()
            if result != -1 { return .success(result) }
            let failure = Errno.current
            if failure != .interrupted { return .failure(failure) }
        }
    }

    /// Calls `body` until it is not interrupted by a signal, and returns what
    /// it returned last, failure or not: for calls whose failure does not
    /// matter to the caller (a wake-up already pending).
    @inlinable @inline(never)
    public static func uninterrupted<Result: FixedWidthInteger>(_ body: () -> Result) -> Result {
        while true {
            let result = body()
            if result != -1 || Errno.current != .interrupted { return result }
        }
    }
}

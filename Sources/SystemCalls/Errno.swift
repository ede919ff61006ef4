import Glibc

/// An `errno` value: why a system call failed.
public struct Errno: Error, RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The positive C value.
    public var rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's `errno` now: read it right after the call that set it.
    public static var current: Errno { Errno(rawValue: errno) }

    /// What the system says of the error (`strerror`).
    public var description: String { String(cString: strerror(rawValue)) }

    public static let interrupted = Errno(rawValue: EINTR)
    public static let wouldBlock = Errno(rawValue: EAGAIN)
    public static let inProgress = Errno(rawValue: EINPROGRESS)
    public static let noEntry = Errno(rawValue: ENOENT)
    public static let exists = Errno(rawValue: EEXIST)
    public static let isDirectory = Errno(rawValue: EISDIR)
    public static let invalidArgument = Errno(rawValue: EINVAL)
    public static let nameTooLong = Errno(rawValue: ENAMETOOLONG)
    public static let crossDevice = Errno(rawValue: EXDEV)
    public static let fileTooLarge = Errno(rawValue: EFBIG)
    public static let noDevice = Errno(rawValue: ENXIO)
    public static let notSupported = Errno(rawValue: EOPNOTSUPP)
    public static let ioError = Errno(rawValue: EIO)
    public static let connectionReset = Errno(rawValue: ECONNRESET)
    public static let badDescriptor = Errno(rawValue: EBADF)
}

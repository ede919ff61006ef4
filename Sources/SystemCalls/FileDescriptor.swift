import Glibc

/// An open file descriptor that closes itself: when its owner lets go of
/// it, or at `close`. Not copyable, so only one owner can close it.
public struct FileDescriptor: ~Copyable {
    /// The number the kernel knows it by, for a poll set or a C library;
    /// still owned, and closed, by this value.
    public let rawValue: Int32

    /// Takes ownership of `rawValue`, an open descriptor.
    public init(owning rawValue: Int32) { self.rawValue = rawValue }

    deinit { _ = Glibc.close(rawValue) }

    /// Closes it now.
    public consuming func close() {}

    /// Opens `path` with `flags` (close-on-exec added) and, for a file created, `mode`.
    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(SystemError) -> FileDescriptor {
        FileDescriptor(owning: try SystemCall.retrying("open", path: path) { Glibc.open(path, flags | O_CLOEXEC, mode) })
    }

    /// Reads what is there, up to `buffer`'s size; 0 at the end.
    public borrowing func read(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        Self.read(rawValue, into: buffer)
    }

    /// Writes what it can of `bytes`; how much it wrote.
    public borrowing func write(_ bytes: UnsafeRawBufferPointer) -> Result<Int, Errno> {
        SystemCall.attempt { Glibc.write(rawValue, bytes.baseAddress, bytes.count) }
    }

    /// What it is open on (`fstat`); `nil` when that cannot be told.
    public var kind: Files.Kind? {
        var info = stat()
        guard fstat(rawValue, &info) == 0 else { return nil }
        return Files.Kind(mode: info.st_mode)
    }

    /// Reads from `descriptor`, which another owns (standard input), as `read(into:)` does.
    public static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        SystemCall.attempt { Glibc.read(descriptor, buffer.baseAddress, buffer.count) }
    }
}

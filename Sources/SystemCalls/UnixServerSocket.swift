import CLinux
import Glibc

/// Unix stream sockets from the server's side: the box's control socket,
/// listening and taking connections without blocking.
extension UnixSocket {
    /// A non-blocking socket listening at `path` (a stale socket left there
    /// is replaced; anything else there is an error), with permissions
    /// `mode`, owned by `group` when given.
    public static func listen(at path: String, group: gid_t?, mode: mode_t) throws(SystemError) -> FileDescriptor {
        var address = sockaddr_un()
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw SystemError(call: "bind", path: path, errno: .nameTooLong)
        }
        if Files.kind(of: path) != nil {
            var info = stat()
            if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK {
                unlink(path)
            } else {
                throw SystemError(call: "bind", path: path, errno: .exists)
            }
        }
        let listener = FileDescriptor(
            owning: try SystemCall.retrying("socket", path: path) {
                socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            })
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.size)
        // Made with no permissions at all, then opened up: never reachable by others in between.
        let mask = umask(0o777)
        let failure = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener.rawValue, $0, length) == 0 ? nil : Errno.current }
        }
        umask(mask)
        if let failure { throw SystemError(call: "bind", path: path, errno: failure) }
        if let group { _ = try SystemCall.retrying("chown", path: path) { chown(path, geteuid(), group) } }
        _ = try SystemCall.retrying("chmod", path: path) { chmod(path, mode) }
        _ = try SystemCall.retrying("listen", path: path) { Glibc.listen(listener.rawValue, 64) }
        return listener
    }

    /// The next connection waiting on `listener`, non-blocking and
    /// close-on-exec; `nil` when none waits.
    public static func accept(from listener: borrowing FileDescriptor) -> FileDescriptor? {
        guard case .success(let connection) = SystemCall.attempt({ stretchcue_accept(listener.rawValue) }) else { return nil }
        return FileDescriptor(owning: connection)
    }
}

extension FileDescriptor {
    /// Sends what it can of `bytes` on a socket without SIGPIPE for a
    /// peer gone (`MSG_NOSIGNAL`); how much it sent.
    public borrowing func send(_ bytes: UnsafeRawBufferPointer) -> Result<Int, Errno> {
        SystemCall.attempt { Glibc.send(rawValue, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
    }
}

import Glibc

/// Files as the program uses them: looked at, read whole, written whole and
/// atomically, appended to. Each failure is a `SystemError` naming the
/// call and the path.
public enum Files {
    /// What is at a path.
    public enum Kind: Equatable, Sendable {
        case regular
        case directory
        case fifo
        case characterDevice
        case blockDevice
        case socket
        case other

        /// The kind of the file whose `st_mode` is `mode`.
        init(mode: mode_t) {
            self =
                switch mode & S_IFMT {
                case S_IFREG: .regular
                case S_IFDIR: .directory
                case S_IFIFO: .fifo
                case S_IFCHR: .characterDevice
                case S_IFBLK: .blockDevice
                case S_IFSOCK: .socket
                default: .other
                }
        }

        /// The kind in a few words, for a message: "a FIFO", "a folder".
        public var described: String {
            switch self {
            case .regular: "a regular file"
            case .directory: "a folder"
            case .fifo: "a FIFO"
            case .characterDevice: "a character device"
            case .blockDevice: "a block device"
            case .socket: "a socket"
            case .other: "an unknown kind of file"
            }
        }
    }

    /// What `stat` says of a file.
    public struct Status: Equatable, Sendable {
        public var kind: Kind
        public var size: Int64
        /// The permission bits.
        public var mode: mode_t
    }

    /// What is at `path`, links followed.
    public static func status(_ path: String) throws(SystemError) -> Status {
        var info = stat()
        _ = try SystemCall.retrying("stat", path: path) { stat(path, &info) }
        return Status(kind: Kind(mode: info.st_mode), size: Int64(info.st_size), mode: info.st_mode & 0o7777)
    }

    /// What kind of thing is at `path`, links followed; `nil` when nothing is (or it cannot be seen).
    public static func kind(of path: String) -> Kind? { try? status(path).kind }

    /// The absolute path of `path` with every link, `.` and `..` resolved.
    public static func realPath(_ path: String) throws(SystemError) -> String {
        guard let resolved = realpath(path, nil) else { throw SystemError(call: "realpath", path: path, errno: .current) }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether anything is at `path`.
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Opens the regular file at `path` with `flags` (and `mode`, for one
    /// created), closing on exec. It is opened without blocking, so a FIFO
    /// or a device where a file belongs cannot hang the program, and what
    /// was opened is checked on its descriptor (`fstat`): anything but a
    /// regular file is closed again and refused, saying what it is. The
    /// descriptor returned blocks as usual; the caller closes it.
    ///
    /// With `folder`, `path` must be inside it (`FOLDER/...`) and is opened
    /// from the folder one name at a time, following no link (`openat` with
    /// `O_NOFOLLOW`): a file swapped for a link out of the folder after it
    /// was checked is refused, not followed.
    public static func openRegular(
        _ path: String, beneath folder: String? = nil, flags: Int32 = O_RDONLY, mode: mode_t = 0
    ) throws(SystemError) -> Int32 {
        let flags = flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC
        let descriptor: Int32
        do {
            if let folder {
                descriptor = try openWithoutLinks(path, beneath: folder, flags: flags, mode: mode)
            } else {
                descriptor = try SystemCall.retrying("open", path: path) { open(path, flags, mode) }
            }
        } catch where error.errno == .noDevice {
            // A FIFO with no reader, opened to write without waiting for one.
            guard let found = kind(of: path), found != .regular else { throw error }
            throw notRegular(found, path)
        }
        do throws(SystemError) {
            var info = stat()
            _ = try SystemCall.retrying("fstat", path: path) { fstat(descriptor, &info) }
            let kind = Kind(mode: info.st_mode)
            guard kind == .regular else { throw notRegular(kind, path) }
            let status = try SystemCall.retrying("fcntl", path: path) { fcntl(descriptor, F_GETFL) }
            _ = try SystemCall.retrying("fcntl", path: path) { fcntl(descriptor, F_SETFL, status & ~O_NONBLOCK) }
            return descriptor
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Opens `path`, inside `folder`, from the folder's descriptor one name
    /// at a time, each with `O_NOFOLLOW`; the last with `flags`.
    private static func openWithoutLinks(_ path: String, beneath folder: String, flags: Int32, mode: mode_t) throws(SystemError) -> Int32 {
        let names = path.hasPrefix(folder + "/") ? path.dropFirst(folder.count + 1).split(separator: "/").map(String.init) : []
        guard !names.isEmpty, !names.contains(".."), !names.contains(".") else {
            throw SystemError(call: "openat", path: path, errno: .crossDevice, problem: "not inside \(folder)")
        }
        var current = try SystemCall.retrying("open", path: folder) { open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        for (index, name) in names.enumerated() {
            let last = index == names.count - 1
            let opened = SystemCall.attempt {
                openat(current, name, (last ? flags : O_RDONLY | O_DIRECTORY | O_CLOEXEC) | O_NOFOLLOW, mode)
            }
            close(current)
            switch opened {
            case .success(let next):
                current = next
            case .failure(let failure):
                // O_NOFOLLOW refuses a link with ELOOP (ENOTDIR for a folder's).
                let link = (try? isLink(folder + "/" + names[0...index].joined(separator: "/"))) == true
                throw SystemError(
                    call: "openat", path: path, errno: failure, problem: link ? "reached through a symbolic link, which is not followed" : nil)
            }
        }
        return current
    }

    /// Whether the name `path` is itself a symbolic link (`lstat`).
    private static func isLink(_ path: String) throws(SystemError) -> Bool {
        var info = stat()
        _ = try SystemCall.retrying("lstat", path: path) { lstat(path, &info) }
        return info.st_mode & S_IFMT == S_IFLNK
    }

    /// The error for `kind` found at `path` where a regular file belongs.
    private static func notRegular(_ kind: Kind, _ path: String) -> SystemError {
        SystemError(
            call: "open", path: path, errno: kind == .directory ? .isDirectory : .invalidArgument, problem: "\(kind.described), not a regular file")
    }

    /// The whole of the regular file at `path`, if it holds at most `limit` bytes.
    public static func read(_ path: String, limit: Int) throws(SystemError) -> [UInt8] {
        let descriptor = try openRegular(path)
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count <= limit {
            let count = try SystemCall.retrying("read", path: path) {
                chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        guard bytes.count <= limit else { throw SystemError(call: "read", path: path, errno: .fileTooLarge) }
        return bytes
    }

    /// Writes all of `bytes` to `descriptor`, through short writes and signals.
    public static func write(_ bytes: [UInt8], to descriptor: Int32, path: String? = nil) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            offset += try SystemCall.retrying("write", path: path) {
                bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            }
        }
    }

    /// Puts `bytes` at `path` so that a reader, a crash or a power cut finds
    /// either the old file or the new one, never a part (`PendingFile`):
    /// written beside it, flushed to the disk, renamed over it, and the
    /// folder flushed too. A file replaced keeps its permissions; a new one
    /// gets `mode`.
    public static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o644) throws(SystemError) {
        let finalMode = (try? status(path).mode) ?? mode
        let file = try PendingFile(target: path, mode: finalMode)
        try write(bytes, to: file.descriptor, path: path)
        try file.commit(mode: finalMode)
    }

    /// Renames `source` over `target`; on failure `source` is removed.
    public static func move(_ source: String, over target: String) throws(SystemError) {
        do {
            _ = try SystemCall.retrying("rename", path: target) { rename(source, target) }
        } catch {
            unlink(source)
            throw error
        }
    }

    /// Appends `bytes` to the file at `path` in one write (created with
    /// `mode` if missing) and flushes it to the disk.
    public static func append(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(SystemError) {
        let descriptor = try openRegular(path, flags: O_WRONLY | O_CREAT | O_APPEND, mode: mode)
        defer { close(descriptor) }
        try write(bytes, to: descriptor, path: path)
        _ = try SystemCall.retrying("fsync", path: path) { fsync(descriptor) }
    }

    /// The names in the folder `path`, sorted, without `.` and `..`.
    public static func names(in path: String) throws(SystemError) -> [String] {
        guard let folder = opendir(path) else { throw SystemError(call: "opendir", path: path, errno: .current) }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Makes the folder `path` and any missing folders above it, with `mode`.
    public static func makeFolder(_ path: String, mode: mode_t = 0o755) throws(SystemError) {
        if kind(of: path) == .directory { return }
        let parent = folder(of: path)
        if parent != path { try makeFolder(parent, mode: mode) }
        do {
            _ = try SystemCall.retrying("mkdir", path: path) { mkdir(path, mode) }
        } catch where error.errno == .exists {}
    }

    /// Removes the file at `path`; `false` when there was none or it could not be removed.
    @discardableResult
    public static func remove(_ path: String) -> Bool { unlink(path) == 0 }

    /// What the symbolic link at `path` points to, as written in the link.
    public static func linkTarget(_ path: String) throws(SystemError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = try SystemCall.retrying("readlink", path: path) {
            buffer.withUnsafeMutableBufferPointer { readlink(path, $0.baseAddress!, Int(PATH_MAX)) }
        }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `descriptor` is a terminal.
    public static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// The device and inode of what `descriptor` is open on (`fstat`); `nil` when it is not open.
    public static func identity(of descriptor: Int32) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// The last part of a path: its file or folder name.
    public static func lastPart(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The folder a path is in: `.` for a bare name, `/` for a name at the root.
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Flushes the folder holding `path`, so a rename in it survives a power cut.
    static func syncFolder(of path: String) throws(SystemError) {
        let folder = folder(of: path)
        let descriptor = try SystemCall.retrying("open", path: folder) { open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(descriptor) }
        _ = try SystemCall.retrying("fsync", path: folder) { fsync(descriptor) }
    }
}

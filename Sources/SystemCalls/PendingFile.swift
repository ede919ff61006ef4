import CLinux
import Glibc

/// A file written to take the place of another whole: the writer fills
/// `descriptor`, and `commit()` puts it at `target` with one rename, so a
/// reader, a crash or a power cut finds the old file or the new one, never
/// a part.
///
/// Until then it is an unnamed file in the target's folder (`O_TMPFILE`),
/// so a writer killed outright leaves nothing behind. Where the file system
/// has no unnamed files it is `TARGET.partial-PID` instead, removed if the
/// file is dropped unfinished; one left by a writer killed outright is
/// removed when the next file for the same target is begun.
public final class PendingFile {
    /// Where the file goes.
    public let target: String
    /// The file to write; closed by `commit()` or when the file is dropped.
    public let descriptor: Int32
    /// The file's name while it is written, where it cannot be unnamed.
    private let named: String?
    private var committed = false

    /// Begins a file for `target`, created with `mode` (less the umask),
    /// first removing the partial files of `target` whose writers are gone.
    public init(target: String, mode: mode_t) throws(SystemError) {
        self.target = target
        Self.removeStalePartials(of: target)
        let folder = Files.folder(of: target)
        do throws(SystemError) {
            descriptor = try SystemCall.retrying("open", path: folder) { stretchcue_open_unnamed(folder, UInt32(mode)) }
            named = nil
        } catch where [.notSupported, .isDirectory, .invalidArgument].contains(error.errno) {
            // No unnamed files here: a named one beside the target.
            let partial = Self.partialName(of: target, writer: getpid())
            descriptor = try SystemCall.retrying("open", path: partial) {
                open(partial, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
            }
            named = partial
        }
    }

    deinit {
        guard !committed else { return }
        close(descriptor)
        if let named { unlink(named) }
    }

    /// Flushes the file to the disk and renames it over `target`, with the
    /// permission bits `mode` when given; the folder is flushed too. An
    /// unnamed file is first linked into the folder as `TARGET.partial-PID`.
    /// On failure `target` is left as it was and the file is thrown away.
    public func commit(mode: mode_t? = nil) throws(SystemError) {
        committed = true
        defer { close(descriptor) }
        let partial = named ?? Self.partialName(of: target, writer: getpid())
        do throws(SystemError) {
            if let mode { _ = try SystemCall.retrying("fchmod", path: target) { fchmod(descriptor, mode) } }
            _ = try SystemCall.retrying("fsync", path: target) { fsync(descriptor) }
            if named == nil {
                // A name of this process's own, left by an earlier commit that failed half way.
                unlink(partial)
                _ = try SystemCall.retrying("linkat", path: partial) {
                    linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, partial, AT_SYMLINK_FOLLOW)
                }
            }
        } catch {
            if named != nil { unlink(partial) }
            throw error
        }
        try Files.move(partial, over: target)
        try Files.syncFolder(of: target)
    }

    /// The name a file for `target` has while process `writer` writes it.
    static func partialName(of target: String, writer: pid_t) -> String { "\(target).partial-\(writer)" }

    /// Removes the `TARGET.partial-PID` files beside `target` whose process
    /// is gone: what a writer killed outright leaves where unnamed files
    /// cannot be had, or between naming its file and renaming it.
    static func removeStalePartials(of target: String) {
        let folder = Files.folder(of: target)
        let prefix = Files.lastPart(target) + ".partial-"
        for name in (try? Files.names(in: folder)) ?? [] where name.hasPrefix(prefix) {
            guard let writer = pid_t(name.dropFirst(prefix.count)), writer > 0, writer != getpid() else { continue }
            if kill(writer, 0) == -1 && errno == ESRCH { unlink(folder + "/" + name) }
        }
    }
}

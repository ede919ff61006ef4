import Glibc

/// Folders watched for names that appear, change or go (inotify), read
/// without blocking when `descriptor` polls readable.
public final class FolderWatch {
    /// What happened to a name in a watched folder.
    public struct Events: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let created = Events(rawValue: UInt32(IN_CREATE))
        /// Its permissions or owner changed (as udev's, just after a node appears).
        public static let attributesChanged = Events(rawValue: UInt32(IN_ATTRIB))
        public static let movedIn = Events(rawValue: UInt32(IN_MOVED_TO))
        public static let deleted = Events(rawValue: UInt32(IN_DELETE))
    }

    /// One name's change.
    public struct Change: Sendable {
        public var name: String
        public var events: Events
    }

    private let inotify: FileDescriptor

    /// A watch on no folder yet.
    public init() throws(SystemError) {
        inotify = FileDescriptor(
            owning: try SystemCall.retrying("inotify_init1") { inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) })
    }

    /// The descriptor to poll for `POLLIN`.
    public var descriptor: Int32 { inotify.rawValue }

    /// Watches `folder` for `events` too.
    public func add(_ folder: String, for events: Events) throws(SystemError) {
        _ = try SystemCall.retrying("inotify_add_watch", path: folder) { inotify_add_watch(inotify.rawValue, folder, events.rawValue) }
    }

    /// The changes reported since the last call, in order; empty when none.
    public func changes() -> [Change] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var changes: [Change] = []
        while case .success(let count) = buffer.withUnsafeMutableBytes({ inotify.read(into: $0) }), count > 0 {
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let (mask, length) = buffer.withUnsafeBytes { raw in
                    (raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                     Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                let nameStart = offset + MemoryLayout<inotify_event>.size
                let nameBytes = buffer[nameStart..<min(count, nameStart + length)].prefix { $0 != 0 }
                changes.append(Change(name: String(decoding: nameBytes, as: UTF8.self), events: Events(rawValue: mask)))
                offset = nameStart + length
            }
        }
        return changes
    }
}

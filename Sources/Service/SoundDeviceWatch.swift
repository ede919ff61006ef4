import Glibc

/// Notices sound devices appearing, so a session waiting for its device
/// starts as soon as it is plugged in (or its driver loads at boot): the
/// folder `/dev/snd` is watched with inotify (and `/dev` until it exists),
/// as acpid2 watches `/dev/input`. (Devices that are not nodes there, a
/// sound server, are tried again every `SessionSupervisor.retryInterval`.)
final class SoundDeviceWatch {
    let folder: String
    private let watch: Int32
    private var watchingFolder = false

    init(folder: String) {
        self.folder = folder
        watch = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        watchFolder()
    }

    deinit { if watch >= 0 { close(watch) } }

    var pollDescriptors: [pollfd] { watch >= 0 ? [pollfd(fd: watch, events: Int16(POLLIN), revents: 0)] : [] }

    /// Reads what inotify reported; `true` when something changed in the folder.
    func handle(_ ready: [pollfd]) -> Bool {
        guard ready.contains(where: { $0.fd == watch && $0.revents != 0 }) else { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while buffer.withUnsafeMutableBytes({ Glibc.read(watch, $0.baseAddress, $0.count) }) > 0 {}
        if !watchingFolder { watchFolder() }
        return true
    }

    /// Watches the folder, or its parent until the folder exists.
    private func watchFolder() {
        guard watch >= 0 else { return }
        let flags = UInt32(IN_CREATE | IN_ATTRIB | IN_MOVED_TO)
        if inotify_add_watch(watch, folder, flags) >= 0 {
            watchingFolder = true
        } else {
            let parent = String(folder[..<(folder.lastIndex(of: "/") ?? folder.startIndex)])
            _ = inotify_add_watch(watch, parent.isEmpty ? "/" : parent, flags)
        }
    }
}

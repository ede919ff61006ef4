import Glibc
import SystemCalls

/// Notices sound devices appearing, so a session waiting for its device
/// starts as soon as it is plugged in (or its driver loads at boot): the
/// folder `/dev/snd` is watched with inotify (and `/dev` until it exists),
/// as acpid2 watches `/dev/input`. (Devices that are not nodes there, a
/// sound server, are tried again every `SessionSupervisor.retryInterval`.)
final class SoundDeviceWatch {
    let folder: String
    private let watch = try? FolderWatch()
    private var watchingFolder = false

    init(folder: String) {
        self.folder = folder
        watchFolder()
    }

    var pollDescriptors: [pollfd] { watch.map { [pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0)] } ?? [] }

    /// Reads what inotify reported; `true` when something changed in the folder.
    func handle(_ ready: [pollfd]) -> Bool {
        guard let watch, ready.contains(where: { $0.fd == watch.descriptor && $0.revents != 0 }) else { return false }
        _ = watch.changes()
        if !watchingFolder { watchFolder() }
        return true
    }

    /// Watches the folder, or its parent until the folder exists.
    private func watchFolder() {
        guard let watch else { return }
        let events: FolderWatch.Events = [.created, .attributesChanged, .movedIn]
        if (try? watch.add(folder, for: events)) != nil {
            watchingFolder = true
        } else {
            let parent = String(folder[..<(folder.lastIndex(of: "/") ?? folder.startIndex)])
            try? watch.add(parent.isEmpty ? "/" : parent, for: events)
        }
    }
}

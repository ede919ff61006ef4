import CLinux
import Configuration
import Glibc
import Logging
import SystemCalls

/// The input devices that have keys the keymap uses: buttons, remotes,
/// numpads, headsets, read straight from `/dev/input/event*` (no GPIO
/// library: those break across Pi models and kernels).
///
/// A device is taken for the keys it reports (`EVIOCGBIT`), never for its
/// name. Devices that appear or vanish while the box runs are picked up or
/// let go: the folder is watched with inotify, for new nodes and for the
/// change of permissions udev makes just after a node appears (opening it
/// before that fails). With `grab`, a device's keys reach this program
/// only (`EVIOCGRAB`).
public final class InputDevices {
    public let folder: String
    private let codes: [UInt16]
    private let grab: Bool
    private let logger: Logger
    private let watch = try? FolderWatch()
    /// Open devices by descriptor.
    private var devices: [Int32: Device] = [:]

    /// An open device: its node, and bytes of an event not whole yet.
    private final class Device {
        let descriptor: FileDescriptor
        let path: String
        var pending: [UInt8] = []

        init(_ descriptor: consuming FileDescriptor, path: String) {
            self.descriptor = descriptor
            self.path = path
        }
    }

    public init(folder: String = "/dev/input", keymap: Keymap, grab: Bool, logger: Logger) {
        self.folder = folder
        codes = Array(keymap.actions.keys)
        self.grab = grab
        self.logger = logger
        do throws(SystemError) {
            try watch?.add(folder, for: [.created, .attributesChanged, .deleted])
        } catch {
            logger.notice("input devices: cannot watch \(folder) (\(error.errno)); buttons plugged in later are not seen")
        }
        for name in (try? Files.names(in: folder)) ?? [] where name.hasPrefix("event") {
            open(folder + "/" + name)
        }
    }

    /// The nodes of the devices in use.
    public var paths: [String] { devices.values.map(\.path).sorted() }

    public var pollDescriptors: [pollfd] {
        (watch.map { [pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0)] } ?? [])
            + devices.keys.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    }

    /// Reads what `poll` said is ready: the key events, in order, and
    /// whether a device went away (its held keys are then forgotten).
    public func handle(_ ready: [pollfd]) -> (events: [InputEvent], lost: Bool) {
        var events: [InputEvent] = []
        var lost = false
        for poller in ready where poller.revents != 0 {
            if poller.fd == watch?.descriptor {
                watchFolder()
            } else if devices[poller.fd] != nil {
                let (read, gone) = read(poller.fd)
                events += read
                lost = lost || gone
            }
        }
        return (events, lost)
    }

    private func read(_ descriptor: Int32) -> (events: [InputEvent], gone: Bool) {
        var buffer = [UInt8](repeating: 0, count: 64 * InputEvent.size)
        var events: [InputEvent] = []
        while let device = devices[descriptor] {
            let result = buffer.withUnsafeMutableBytes { device.descriptor.read(into: $0) }
            if case .failure(.wouldBlock) = result { break }
            guard case .success(let count) = result, count > 0 else {
                // ENODEV: unplugged.
                logger.notice("input device \(device.path) is gone")
                devices[descriptor] = nil
                return (events, true)
            }
            device.pending += buffer[0..<count]
            events += InputEvent.decode(&device.pending)
        }
        return (events, false)
    }

    /// Takes in what inotify reports of the folder: new or changed nodes are
    /// tried, removed ones let go.
    private func watchFolder() {
        for change in watch?.changes() ?? [] {
            let removed = change.events.contains(.deleted)
            logger.debug("input devices: \(change.name) \(removed ? "removed" : "added or changed")")
            guard change.name.hasPrefix("event") else { continue }
            let path = folder + "/" + change.name
            if removed {
                if let descriptor = devices.first(where: { $0.value.path == path })?.key {
                    devices[descriptor] = nil
                }
            } else if !devices.values.contains(where: { $0.path == path }) {
                open(path)
            }
        }
    }

    /// Opens the device at `path` and keeps it if it has a key the keymap uses.
    private func open(_ path: String) {
        let device: FileDescriptor
        do {
            device = try FileDescriptor.open(path, O_RDONLY | O_NONBLOCK)
        } catch {
            // Not readable yet (udev sets permissions just after): the attribute change brings it back.
            logger.debug("input device \(path): cannot open it yet (\(error.errno))")
            return
        }
        let descriptor = device.rawValue
        var bits = [UInt8](repeating: 0, count: 128)
        let size = bits.withUnsafeMutableBufferPointer { stretchcue_input_key_bits(descriptor, $0.baseAddress, Int32($0.count)) }
        let has = { (code: UInt16) in Int(code) / 8 < Int(max(0, size)) && bits[Int(code) / 8] & (1 << (code % 8)) != 0 }
        guard size > 0, codes.contains(where: has) else {
            logger.debug("input device \(path): none of the keymap's keys")
            return
        }
        var name = [CChar](repeating: 0, count: 256)
        _ = stretchcue_input_name(descriptor, &name, Int32(name.count))
        let label = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if grab, stretchcue_input_grab(descriptor, 1) != 0 {
            let failure = Errno.current
            logger.notice("input device \(path) (\(label)): cannot take it alone (\(failure))")
        }
        devices[descriptor] = Device(device, path: path)
        logger.info("input device \(path) (\(label)): using its keys \(codes.filter(has).map(KeyNames.name).sorted().joined(separator: ", "))")
    }
}

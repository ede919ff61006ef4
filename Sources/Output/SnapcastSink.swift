import CLinux
import Glibc
import SystemCalls

/// Where a Snapcast server takes its stream from, named as a device:
/// `snapcast:pipe:PATH`, a FIFO snapserver reads (its `pipe` source), or
/// `snapcast:tcp:HOST:PORT`, snapserver's `tcp` source in server mode, which
/// Stretchcue connects to.
public enum SnapcastTarget: Equatable, Sendable {
    case pipe(path: String)
    case tcp(host: String, port: UInt16)

    /// What every Snapcast device name starts with.
    public static let prefix = "snapcast:"
    /// The forms a Snapcast device name takes, for messages.
    public static let forms = "snapcast:pipe:PATH or snapcast:tcp:HOST:PORT"

    /// The target `device` names, `nil` for any other device (an ALSA PCM).
    /// Throws, saying what was expected, for a name that starts with
    /// `snapcast:` and is neither form.
    public static func named(_ device: String) throws(DeviceError) -> SnapcastTarget? {
        guard device.hasPrefix(prefix) else { return nil }
        let rest = device.dropFirst(prefix.count)
        if rest.hasPrefix("pipe:"), rest.count > 5 { return .pipe(path: String(rest.dropFirst(5))) }
        if rest.hasPrefix("tcp:"), let colon = rest.lastIndex(of: ":"), colon > rest.index(rest.startIndex, offsetBy: 3) {
            // An IPv6 address comes in brackets: snapcast:tcp:[::1]:4953.
            var host = rest[rest.index(rest.startIndex, offsetBy: 4)..<colon]
            if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
            if !host.isEmpty, let port = UInt16(rest[rest.index(after: colon)...]), port > 0 {
                return .tcp(host: String(host), port: port)
            }
        }
        throw DeviceError(device: device, function: "snapcast", code: EINVAL, text: "expected \(forms)")
    }
}

/// A Snapcast server's source written as a sound device: raw interleaved
/// PCM (16-bit unless 32-bit is asked for) into a FIFO or a TCP connection.
///
/// snapserver reads a source at the stream's rate, so it paces the writes
/// as a card's clock does: the descriptor is non-blocking, the stream waits
/// for room in `poll`, and the pipe's or socket's buffer is the device
/// buffer. Nothing is ever taken back or dropped, and silence is written
/// like any sound, so the room stream never goes idle. A server that goes
/// away (it stops reading the FIFO, the connection is reset) makes the
/// device lost, to be reopened with the stream's backoff.
final class SnapcastSink: PCMDevice {
    let format: DeviceFormat
    private let name: String
    private let target: SnapcastTarget
    /// The pipe's write end or the connection; `nil` once closed.
    private var stream: FileDescriptor?
    /// A pipe's read end of our own, kept open so the pipe always has a reader.
    private var pipeReader: FileDescriptor?
    /// Bytes of a frame the last write sent only part of: the next write,
    /// which starts at that frame, sends the rest of it first.
    private var partialBytes = 0
    /// The descriptor and a wake-up's, made once: the audio thread polls them.
    private let pollers: UnsafeMutableBufferPointer<pollfd>

    init(_ target: SnapcastTarget, _ request: DeviceRequest) throws(DeviceError) {
        name = request.device
        self.target = target
        let sampleFormat = request.sampleFormat ?? .s16
        guard sampleFormat == .s16 || sampleFormat == .s32 else {
            throw DeviceError(
                device: name, function: "snapcast", code: EINVAL,
                text: "Snapcast takes s16 or s32 samples, not \(sampleFormat.rawValue)")
        }
        let frameBytes = request.channels * sampleFormat.bytesPerSample
        let wanted = max(1, request.bufferMilliseconds * request.sampleRate / 1000) * frameBytes
        let bufferBytes: Int
        let reportsDelay: Bool
        switch target {
        case .pipe(let path):
            let reader = try Self.openPipeReader(path, name)
            let writer = try Self.openPipeWriter(path, name)
            bufferBytes = Int(stretchcue_resize_pipe(writer.rawValue, Int32(clamping: wanted)))
            stream = consume writer
            pipeReader = consume reader
            reportsDelay = true
        case .tcp(let host, let port):
            let connection = try Self.connect(host, port, sendBuffer: wanted, name)
            // The kernel counts its own bookkeeping in SO_SNDBUF: about half of it carries data.
            bufferBytes = TCPSocket.sendBufferSize(of: connection) / 2
            stream = consume connection
            // What left the socket waits in the server's receive buffer, out of sight.
            reportsDelay = false
        }
        let bufferFrames = max(2, bufferBytes / frameBytes)
        // Made once nothing can fail any more: an init that throws runs no deinit.
        pollers = .allocate(capacity: 2)
        format = DeviceFormat(
            sampleRate: request.sampleRate, channels: request.channels, sampleFormat: sampleFormat,
            periodFrames: max(1, bufferFrames / max(2, request.periods)), bufferFrames: bufferFrames,
            fillFrames: bufferFrames, reportsDelay: reportsDelay)
    }

    deinit { pollers.deallocate() }

    func write(_ bytes: UnsafeRawPointer, frames: Int) throws(DeviceError) -> Int {
        let frameBytes = format.bytesPerFrame
        let total = frames * frameBytes - partialBytes
        guard total > 0 else { return 0 }
        let start = bytes + partialBytes
        let bytes = UnsafeRawBufferPointer(start: start, count: total)
        let (result, call) =
            switch target {
            case .pipe: (stream?.write(bytes) ?? .failure(.badDescriptor), "write")
            case .tcp: (stream?.send(bytes) ?? .failure(.badDescriptor), "send")
            }
        let written: Int
        switch result {
        case .success(let count): written = count
        case .failure(.wouldBlock): return 0
        case .failure(let failure): throw lost(call, failure.rawValue)
        }
        let done = partialBytes + written
        partialBytes = done % frameBytes
        return done / frameBytes
    }

    func waitForRoom(upTo timeout: Duration, wakeUp: WakeUp) -> DeviceWait {
        pollers[0] = pollfd(fd: stream?.rawValue ?? -1, events: Int16(POLLOUT), revents: 0)
        pollers[1] = pollfd(fd: wakeUp.descriptor, events: Int16(POLLIN), revents: 0)
        let ready = Poll.wait(pollers, milliseconds: timeout.pollMilliseconds)
        if ready == 0 { return .timedOut }
        if ready > 0, pollers[1].revents != 0 { return .woken }
        // Room, an interrupted poll, or a connection's error the next write reports.
        return .ready
    }

    func prepare() throws(DeviceError) {}

    func resume() throws(DeviceError) -> Bool { true }

    /// What the pipe holds; over TCP, only what has not left this machine.
    func delay() -> Int {
        let descriptor = stream?.rawValue ?? -1
        let queued =
            switch target {
            case .pipe: stretchcue_pipe_queued(descriptor)
            case .tcp: stretchcue_socket_unsent(descriptor)
            }
        return max(0, Int(queued)) / format.bytesPerFrame
    }

    /// What was written stays written: the server has it, or will read it.
    func drop() {}

    func close() {
        stream = nil
        pipeReader = nil
    }

    /// A FIFO's read end of our own, held open beside the write end (opened
    /// without waiting), as MPD's FIFO output does: snapserver opens its
    /// pipe again and again while nothing writes, and a write end with
    /// no reader at that moment could not open (`ENXIO`) or would fail
    /// (`EPIPE`). A server gone then leaves the pipe full, a stall the
    /// stream takes for a lost device. A missing FIFO is absent; anything
    /// but a FIFO is refused (a file would take the session faster than
    /// real time).
    private static func openPipeReader(_ path: String, _ name: String) throws(DeviceError) -> FileDescriptor {
        let reader: FileDescriptor
        do {
            reader = try FileDescriptor.open(path, O_RDONLY | O_NONBLOCK)
        } catch {
            throw failure(name, "open", error.errno.rawValue, on: path)
        }
        guard reader.kind == .fifo else {
            throw DeviceError(
                device: name, function: "open", code: EINVAL,
                text: "\(path) is not a FIFO; expected the pipe a Snapcast server reads (its pipe source)")
        }
        return reader
    }

    /// The FIFO's write end, opened once `openPipeReader` holds a read end.
    private static func openPipeWriter(_ path: String, _ name: String) throws(DeviceError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(path, O_WRONLY | O_NONBLOCK)
        } catch {
            throw failure(name, "open", error.errno.rawValue, on: path)
        }
    }

    /// A non-blocking TCP connection to the first address of `host` that
    /// answers within two seconds.
    private static func connect(_ host: String, _ port: UInt16, sendBuffer: Int, _ name: String) throws(DeviceError)
        -> FileDescriptor
    {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let looked = getaddrinfo(host, String(port), &hints, &found)
        guard looked == 0, let found else {
            throw DeviceError(
                device: name, function: "getaddrinfo", code: ENOENT,
                text: "\(host): \(String(cString: gai_strerror(looked)))")
        }
        defer { freeaddrinfo(found) }
        var failed = ECONNREFUSED
        var address: UnsafeMutablePointer<addrinfo>? = found
        while let current = address {
            address = current.pointee.ai_next
            do {
                return try TCPSocket.connect(to: current.pointee, sendBuffer: sendBuffer, timeout: .seconds(2))
            } catch {
                failed = error.rawValue
            }
        }
        throw Self.failure(name, "connect", failed, on: "\(host):\(port)")
    }

    /// The error of a server gone: a connection it closed (`EPIPE`, which
    /// to a card would mean an underrun) is reported as a shut-down stream,
    /// so the device is taken for lost and reopened.
    private func lost(_ function: String, _ code: Int32) -> DeviceError {
        guard code == EPIPE else { return Self.failure(name, function, code) }
        return DeviceError(device: name, function: function, code: ESHUTDOWN, text: "the Snapcast server closed the connection")
    }

    /// A failed call's error, saying what it was called on.
    private static func failure(_ device: String, _ function: String, _ code: Int32, on subject: String? = nil)
        -> DeviceError
    {
        let reason = String(cString: strerror(code))
        return DeviceError(device: device, function: function, code: code, text: subject.map { "\($0): \(reason)" } ?? reason)
    }
}

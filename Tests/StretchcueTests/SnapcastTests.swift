import Audio
import Foundation
import Output
import TestSupport
import Testing

/// `play` as a Snapcast source, heard in two rooms: a real `snapserver`
/// and two `snapclient`s playing into the test server's null sink, room A
/// on its left channel and room B on its right (a mono remap sink each),
/// recorded together from its monitor on one clock. Every cue is heard in
/// both rooms, within 2 ms of the plan's spacing from the cue before it,
/// and the rooms within 5 ms of each other.
///
/// Needs the PulseAudio server `.ci/test` starts, like the real-time suite,
/// and `snapserver`/`snapclient` (`.ci/setup --test` installs them).
@Suite(.serialized, .enabled(if: RealTime.sink != nil, "needs the PulseAudio null sink started by .ci/test"))
struct SnapcastTests {
    @Test(arguments: [Studio.Source.pipe, .tcp])
    func everyRoomHearsEveryCueInItsPlaceAndInSync(source: Studio.Source) throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder)
        let (plan, expected) = try RealTime.rendered(routine, in: folder)
        let studio = try Studio(source, in: folder)
        defer { studio.close() }

        let recorder = try RealTime.record(to: folder + "/heard.raw")
        // A lead-in of 3 s: a snapclient just connected settles its clock against the server's first.
        let play = try Program.run(["play", routine, "-D", studio.device, "--lead-in-ms", "3000"])
        try studio.waitForTheRooms(recording: folder + "/heard.raw")
        kill(recorder.processIdentifier, SIGKILL)
        recorder.waitUntilExit()
        #expect(play.status == 0, "\(play.error)")
        #expect(play.output.contains("0 underruns, 0 stalls, 0 reopens"), "\(play.output)")

        let (roomA, roomB) = try Studio.rooms(folder + "/heard.raw")
        let reference = Studio.mono(expected)
        let heardA = try Studio.places(of: plan, from: reference, heardIn: roomA, room: "A")
        let heardB = try Studio.places(of: plan, from: reference, heardIn: roomB, room: "B")
        var worstApart = 0
        for (index, cue) in plan.cues.enumerated() {
            guard let a = heardA[index], let b = heardB[index] else { continue }
            #expect(abs(a - b) <= 240, "\(cue.kind) at frame \(cue.frame): the rooms are \(a - b) frames apart")
            worstApart = max(worstApart, abs(a - b))
        }
        print("Snapcast (\(source.rawValue)): the rooms at most \(worstApart) frames apart")
    }

    /// The server killed mid-session and started again three seconds later:
    /// play takes it for a lost device, waits for it, and plays the session
    /// to its end, which the new server streams. What it streams is taken
    /// by a client that connects to it afresh and writes to a file (the
    /// rooms' clients reconnect by themselves, but snapclient 0.26 now and
    /// then hangs connecting to PulseAudio when it does so at the same
    /// moment as another client: that room then stays silent whatever its
    /// source does).
    @Test func theSessionGoesOnAfterTheServerRestarts() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder, hold: 6)
        let (plan, expected) = try RealTime.rendered(routine, in: folder)
        let studio = try Studio(.pipe, in: folder)
        defer { studio.close() }

        let streamed = folder + "/streamed.raw"
        let restarter = Thread {
            Thread.sleep(forTimeInterval: 8)
            studio.stopServer()
            Thread.sleep(forTimeInterval: 3)
            try? studio.startServer()
            try? studio.listen(into: streamed)
        }
        restarter.start()
        let play = try Program.run(["play", routine, "-D", studio.device, "--lead-in-ms", "500", "-v"])
        while !restarter.isFinished { usleep(100_000) }
        try studio.waitForTheRooms(recording: streamed)
        studio.close()

        #expect(play.status == 0, "\(play.error)")
        // "played 0:38 of 0:38": to its end.
        let played = try #require(play.output.firstMatch(of: /played (\S+) of (\S+),/), "\(play.output)")
        #expect(played.1 == played.2, "\(play.output)")
        // Reopened once the server was back, or again after a pipe no one read yet.
        #expect(play.output.contains("reopen") && !play.output.contains("0 reopens"), "\(play.output)")
        #expect(play.error.contains("lost") && play.error.contains("is back"), "\(play.error)")
        // The end: 50 ms of the session's last cue, in what the new server streamed.
        let lastCue = try #require(plan.cues.last)
        let ending = Array(expected[((lastCue.frame + 1200) * 2)..<((lastCue.frame + 3600) * 2)])
        #expect(Alignment.find(ending, in: try RealTime.rawSamples(streamed)) != nil, "the session's last cue was not streamed")
    }
}

extension SnapcastTests {
    /// A studio's box: `serve` plays the session into the rooms through
    /// Snapcast, and its own words (the spoken "ready") and its answer to a
    /// request (the status earcon and the spoken status of `where`) play at
    /// once on the box's own device (ALSA's `pulse`, into a sink of its
    /// own), not a second late in the rooms, which hear every cue in its
    /// place, nothing ducked.
    @Test func aBoxPlaysTheSessionInTheRoomsAndAnswersOnItsOwnDevice() throws {
        let studioFolder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: studioFolder) }
        let studio = try Studio(.pipe, in: studioFolder)
        defer { studio.close() }
        let speaker = try RealTime.pactl(["load-module", "module-null-sink", "sink_name=boxSpeaker", "rate=48000"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? RealTime.pactl(["unload-module", speaker]) }
        // A lead-in of 3 s, as for play: the rooms' clients settle their clocks first.
        let box = try Box(device: studio.device, leadInMs: 3000, mute: "[]", extra: "earcon_device: pulse\n")
        defer { box.tearDown() }
        let routine = try LiveRoutines.write(to: box.folder)
        let (plan, expected) = try RealTime.rendered(routine, in: box.folder)

        let rooms = try RealTime.record(to: box.folder + "/rooms.raw")
        let local = try RealTime.record(to: box.folder + "/box.raw", from: "boxSpeaker")
        try box.start(environment: ["PULSE_SINK": "boxSpeaker"])
        _ = try box.ctl("start", routine)
        let firstHold = Double(plan.cues.first { $0.kind == "chime.start" }!.frame) / 48_000
        try box.waitFor { $0.hasPrefix("playing") && box.position($0) > firstHold + 1 }
        #expect(try box.ctl("where").hasPrefix("playing"))
        try box.waitFor(limit: 60) { $0.hasPrefix("idle") }
        try studio.waitForTheRooms(recording: box.folder + "/rooms.raw")
        let log = try box.stop()
        for recorder in [rooms, local] {
            kill(recorder.processIdentifier, SIGKILL)
            recorder.waitUntilExit()
        }
        #expect(log.contains("the answers to keys and buttons play on 'pulse'"), "\(log)")
        #expect(log.contains("session played") && log.contains("0 underruns, 0 stalls, 0 reopens"), "\(log)")
        // Timed by the box: from the request to the answer's first frame at the device's output.
        let latency = log.split(separator: "\n").last { $0.contains("longest command to earcon:") }
            .flatMap { $0.split(separator: " ").dropLast().last }.flatMap { Int($0) }
        #expect(latency != nil && latency! < 80, "request to answer: \(latency.map(String.init) ?? "not logged") ms")
        print("Snapcast box: request to answer on its own device \(latency ?? -1) ms")

        let (roomA, roomB) = try Studio.rooms(box.folder + "/rooms.raw")
        let reference = Studio.mono(expected)
        _ = try Studio.places(of: plan, from: reference, heardIn: roomA, room: "A")
        _ = try Studio.places(of: plan, from: reference, heardIn: roomB, room: "B")
        let status = Earcons.sound(.status)
        let roomLeft = stride(from: 0, to: roomA.count, by: 2).map { roomA[$0] }
        let heardLocally = try RealTime.rawSamples(box.folder + "/box.raw")
        let boxLeft = stride(from: 0, to: heardLocally.count, by: 2).map { heardLocally[$0] }
        #expect(Alignment.find(status, in: boxLeft, threshold: 0.8) != nil, "the box did not answer on its own device")
        #expect(Alignment.find(status, in: roomLeft, threshold: 0.8) == nil, "the answer was heard in the rooms")
        let ready = try SoundFile.read(Repository.voiceFolder + "/status.ready.wav", rate: 48_000)
        let readyWords = (4800..<28_800).map { Float(ready.samples[$0]) / PCM16.fullScale }
        #expect(Alignment.find(readyWords, in: boxLeft, threshold: 0.8) != nil, "the box did not say 'ready' on its own device")
        #expect(Alignment.find(readyWords, in: roomLeft, threshold: 0.8) == nil, "the box said 'ready' in the rooms")
        // Nothing of the session on the box's own device: its first words are not there.
        let firstWords = try #require(plan.cues.first { $0.kind == "voice" })
        let words = stride(from: firstWords.frame * 2, to: (firstWords.frame + 24_000) * 2, by: 2).map { reference[$0] }
        #expect(Alignment.find(words, in: boxLeft) == nil, "the session was heard on the box's own device")
    }
}

/// A Snapcast server with one source and two rooms, each a snapclient
/// playing into a mono remap sink on one side of the test server's sink.
final class Studio: @unchecked Sendable {
    // @unchecked: the restarting thread and the test take turns.
    enum Source: String, CustomTestStringConvertible, Sendable {
        case pipe, tcp
        var testDescription: String { rawValue }
    }

    /// The device `play -D` takes for this studio's source.
    let device: String
    private let folder: String
    private let configuration: String
    private let streamPort: Int
    private let controlPort: Int
    private var server: Process?
    private var clients: [Process] = []
    private var modules: [String] = []

    init(_ source: Source, in folder: String) throws {
        self.folder = folder
        (streamPort, controlPort) = (try Self.freePort(), try Self.freePort())
        let sourcePort = try Self.freePort()
        let (uri, device) =
            switch source {
            case .pipe: ("pipe://\(folder)/snapfifo?name=session&mode=create", "snapcast:pipe:\(folder)/snapfifo")
            case .tcp: ("tcp://127.0.0.1:\(sourcePort)?name=session&mode=server", "snapcast:tcp:127.0.0.1:\(sourcePort)")
            }
        self.device = device
        configuration = folder + "/snapserver.conf"
        try """
            [server]
            datadir = \(folder)
            [http]
            enabled = false
            [tcp]
            port = \(controlPort)
            bind_to_address = 127.0.0.1
            [stream]
            port = \(streamPort)
            bind_to_address = 127.0.0.1
            source = \(uri)
            codec = pcm
            buffer = 400
            [logging]
            sink = null
            """.write(toFile: configuration, atomically: true, encoding: .utf8)
        for (room, side) in [("roomA", "front-left"), ("roomB", "front-right")] {
            let module = try RealTime.pactl([
                "load-module", "module-remap-sink", "sink_name=\(room)", "master=\(RealTime.sink!)", "channels=1",
                "channel_map=mono", "master_channel_map=\(side)", "remix=no",
            ])
            let index = module.trimmingCharacters(in: .whitespacesAndNewlines)
            guard Int(index) != nil else { throw StudioError("pactl could not make the sink \(room)") }
            modules.append(index)
        }
        try startServer()
        for (instance, room) in ["roomA", "roomB"].enumerated() {
            clients.append(
                try Self.start("/usr/bin/snapclient", [
                    "-h", "127.0.0.1", "-p", "\(streamPort)", "--hostID", room, "-i", "\(instance + 1)",
                    "--player", "pulse", "-s", room, "--logsink", "null",
                ]))
        }
        try waitForClients(2)
    }

    /// Starts snapserver and waits until it answers on its control port.
    func startServer() throws {
        server = try Self.start("/usr/bin/snapserver", ["-c", configuration])
        let deadline = Date().addingTimeInterval(10)
        while (try? request("Server.GetRPCVersion")) == nil {
            guard Date() < deadline else { throw StudioError("snapserver did not answer on port \(controlPort)") }
            usleep(50_000)
        }
    }

    /// Starts one more client, which writes what the server streams into
    /// `path` (raw 16-bit stereo), with no sound server in between.
    func listen(into path: String) throws {
        clients.append(
            try Self.start("/usr/bin/snapclient", [
                "-h", "127.0.0.1", "-p", "\(streamPort)", "--hostID", "listener", "-i", "3",
                "--player", "file:filename=\(path)", "--logsink", "null",
            ]))
    }

    /// Kills snapserver. (Children of the test runner start with signals
    /// blocked, so it cannot be asked to stop politely.)
    func stopServer() {
        guard let server else { return }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        self.server = nil
    }

    /// Waits until the session's end has reached the rooms: the recording
    /// grows for the server's buffer and the clients' latency after play
    /// has written its last frame (2 s of it).
    func waitForTheRooms(recording: String) throws {
        let size = { ((try? FileManager.default.attributesOfItem(atPath: recording)[.size]) as? Int) ?? 0 }
        let target = size() + 2 * 48_000 * 4
        let deadline = Date().addingTimeInterval(10)
        while size() < target {
            guard Date() < deadline else { throw StudioError("the recording stopped growing") }
            usleep(50_000)
        }
    }

    /// Stops the server and the clients and takes the rooms' sinks away; may be called again.
    func close() {
        stopServer()
        for client in clients {
            kill(client.processIdentifier, SIGKILL)
            client.waitUntilExit()
        }
        clients = []
        for module in modules { _ = try? RealTime.pactl(["unload-module", module]) }
        modules = []
    }

    /// Where each cue of `plan` is heard in `room`, in frames of the
    /// recording, expecting every one within 2 ms of the plan's spacing
    /// from the cue before it. Snapcast's clients steer their clocks to the
    /// server's gently, so over a session its place may drift by a
    /// millisecond or two: each cue is sought within 10 ms of where the
    /// session's first sound puts it.
    static func places(
        of plan: RealTime.Plan, from reference: [Float], heardIn room: [Float], room name: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [Int?] {
        let offset = try #require(
            Alignment.offset(of: reference, in: room), "room \(name) heard nothing of the session",
            sourceLocation: sourceLocation)
        var places: [Int?] = []
        var previous: Int?
        var worst = 0
        for cue in plan.cues {
            // The first of its first five 50 ms windows that can be told apart.
            let windows = stride(from: cue.frame, to: cue.frame + max(1, cue.length - 2400), by: 960).prefix(5)
            let lag = windows.lazy.compactMap {
                Alignment.lag(of: reference, at: $0, in: room, near: $0 + offset, search: 480)
            }.first
            #expect(lag != nil, "room \(name): \(cue.kind) at frame \(cue.frame) was not heard", sourceLocation: sourceLocation)
            places.append(lag.map { cue.frame + offset + $0 })
            guard let lag else { continue }
            if let previous {
                #expect(
                    abs(lag - previous) <= 96,
                    "room \(name): \(cue.kind) at frame \(cue.frame) heard \(lag - previous) frames from the plan's spacing",
                    sourceLocation: sourceLocation)
                worst = max(worst, abs(lag - previous))
            }
            previous = lag
        }
        print("Snapcast room \(name): \(plan.cues.count) cues, the worst \(worst) frames from the plan's spacing")
        return places
    }

    /// Room A (left) and room B (right) of a raw stereo recording, each as
    /// interleaved stereo with the room on both sides, as the cue finders take it.
    static func rooms(_ path: String) throws -> (a: [Float], b: [Float]) {
        let samples = try RealTime.rawSamples(path)
        var a = [Float](repeating: 0, count: samples.count)
        var b = a
        for frame in stride(from: 0, to: samples.count - 1, by: 2) {
            (a[frame], a[frame + 1]) = (samples[frame], samples[frame])
            (b[frame], b[frame + 1]) = (samples[frame + 1], samples[frame + 1])
        }
        return (a, b)
    }

    /// The render folded to mono, as a mono room plays it, on both sides.
    static func mono(_ stereo: [Float]) -> [Float] {
        var folded = stereo
        for frame in stride(from: 0, to: stereo.count - 1, by: 2) {
            let mid = (stereo[frame] + stereo[frame + 1]) / 2
            (folded[frame], folded[frame + 1]) = (mid, mid)
        }
        return folded
    }

    /// Waits until `count` clients are connected to the server.
    private func waitForClients(_ count: Int) throws {
        let deadline = Date().addingTimeInterval(10)
        while true {
            let status = (try? request("Server.GetStatus")) ?? ""
            if status.components(separatedBy: "\"connected\":true").count - 1 >= count { return }
            guard Date() < deadline else { throw StudioError("\(count) snapclients did not connect: \(status)") }
            usleep(100_000)
        }
    }

    /// One JSON-RPC request on the server's control port; its answer line.
    private func request(_ method: String) throws -> String {
        let connection = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard connection >= 0 else { throw StudioError("socket: \(errno)") }
        defer { Glibc.close(connection) }
        var address = Self.loopback(port: controlPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(connection, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw StudioError("connect: \(errno)") }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let line = "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"\(method)\"}\r\n"
        guard send(connection, line, line.utf8.count, 0) == line.utf8.count else { throw StudioError("send: \(errno)") }
        var answer = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !answer.contains(UInt8(ascii: "\n")) {
            let got = recv(connection, &buffer, buffer.count, 0)
            guard got > 0 else { throw StudioError("no answer to \(method)") }
            answer += buffer[0..<got]
        }
        return String(decoding: answer, as: UTF8.self)
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        return address
    }

    /// A TCP port nothing listens on now, as the kernel picks one.
    private static func freePort() throws -> Int {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(probe) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(probe, $0, length) == 0 && getsockname(probe, $0, &length) == 0
            }
        }
        guard bound else { throw StudioError("no free port: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func start(_ program: String, _ arguments: [String]) throws -> Process {
        guard FileManager.default.isExecutableFile(atPath: program) else {
            throw StudioError("\(program) is missing: install snapserver and snapclient (.ci/setup --test)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

struct StudioError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import Foundation
import TestSupport
import Testing

/// `play` as an MPRIS media player on a private session bus, steered by
/// Debian's `playerctl` as the desktop's media keys and a headset's buttons
/// would: play-pause pauses (the earcon, then silence in the recording),
/// next moves on, status and metadata follow the session in the order the
/// status lines give, and stop ends it.
@Suite(.serialized, .enabled(if: RealTime.sink != nil, "needs the PulseAudio null sink started by .ci/test"))
struct MediaKeysTests {
    @Test func playerctlSteersTheSessionAsTheKeysDo() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bus = try SessionBus(in: folder)
        defer { bus.stop() }
        let routine = try LiveRoutines.write(to: folder, hold: 8)
        let plan = try RealTime.plan(routine, [])
        // A silent hold, as for the keys: each earcon is heard alone.
        let layers = ["--mute", "chime,breath"]
        let render = try Program.run(["render", routine, "-o", folder + "/render.wav"] + layers)
        #expect(render.status == 0)
        let expected = try WAV(path: folder + "/render.wav").samples

        let recorder = try RealTime.record(to: folder + "/heard.raw")
        let player = try bus.start(
            Repository.products + "/stretchcue", ["play", routine, "-D", "pulse", "--lead-in-ms", "500", "-v"] + layers,
            output: folder + "/out", errors: folder + "/log")
        try bus.waitUntil("the player is on the bus") { bus.playerctl(["-l"]).contains("stretchcue") }
        let follower = try bus.start(
            "/usr/bin/playerctl", ["-p", "stretchcue", "--follow", "metadata", "--format", "{{status}} {{xesam:title}}"],
            output: folder + "/followed", errors: folder + "/followed.err")
        #expect(bus.playerctl(["-p", "stretchcue", "metadata", "xesam:album"]) == "Short")

        // A second into the first pose's hold (silent: its prompt has ended),
        // as the player's Position says, pause for about two seconds, resume,
        // skip to the next pose.
        let holdStart = try #require(plan.cues.first { $0.kind == "chime.start" }).frame
        try bus.waitUntil("a second into the hold", seconds: 15) {
            Double(bus.playerctl(["-p", "stretchcue", "position"])).map { $0 * 48_000 > Double(holdStart + 48_000) } == true
        }
        #expect(bus.playerctl(["-p", "stretchcue", "metadata", "xesam:title"]) == "One")
        bus.playerctl(["-p", "stretchcue", "play-pause"])
        let paused = Date()
        try bus.waitUntil("paused") { bus.playerctl(["-p", "stretchcue", "status"]) == "Paused" }
        Thread.sleep(forTimeInterval: 2 - Date().timeIntervalSince(paused))
        bus.playerctl(["-p", "stretchcue", "play-pause"])
        let pauseLasted = Date().timeIntervalSince(paused)
        try bus.waitUntil("playing again") { bus.playerctl(["-p", "stretchcue", "status"]) == "Playing" }
        Thread.sleep(forTimeInterval: 1.5)
        bus.playerctl(["-p", "stretchcue", "next"])
        try bus.waitUntil("on the second pose") {
            bus.playerctl(["-p", "stretchcue", "metadata", "xesam:title"]) == "Two (left)"
        }
        // The volume, as a desktop's slider sets it: -6 dB, to the nearest step.
        bus.playerctl(["-p", "stretchcue", "volume", "0.5"])
        try bus.waitUntil("the volume at half") {
            Double(bus.playerctl(["-p", "stretchcue", "volume"])).map { abs($0 - 0.5) < 0.02 } == true
        }
        Thread.sleep(forTimeInterval: 1.5)
        bus.playerctl(["-p", "stretchcue", "stop"])
        try bus.waitUntil("stopped", seconds: 10) { !player.isRunning }
        usleep(300_000)
        for process in [follower, recorder] {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        #expect(player.terminationStatus == 0)
        let log = try String(contentsOfFile: folder + "/log", encoding: .utf8)
        #expect(log.contains("a media player of the desktop (MPRIS)"), "\(log)")
        let latency = log.split(separator: "\n").first { $0.contains("longest key to earcon:") }
            .flatMap { $0.split(separator: " ").dropLast().last }.flatMap { Int($0) }
        #expect(latency != nil && latency! < 80, "request to earcon: \(latency.map(String.init) ?? "not logged") ms")
        // What the bus showed, in order, is what the status lines said.
        let followed = try String(contentsOfFile: folder + "/followed", encoding: .utf8).split(separator: "\n")
            .map(String.init).reduce(into: [String]()) { seen, line in if seen.last != line { seen.append(line) } }
        #expect(
            Array(followed.filter { !$0.hasSuffix(" ") }.prefix(4))
                == ["Playing One", "Paused One", "Playing One", "Playing Two (left)"],
            "\(followed)")
        let output = try String(contentsOfFile: folder + "/out", encoding: .utf8)
        let poses = output.split(separator: "\n").filter { $0.hasPrefix("Round ") }
            .map { $0.split(separator: ":").first.map(String.init) ?? "" }
        #expect(poses == ["Round 1, pose 1 of 2", "Round 1, pose 2 of 2"], "\(output)")

        let heard = try RealTime.rawSamples(folder + "/heard.raw")
        try RealTime.expectPauseResumeAndNext(in: heard, pauseLasted: pauseLasted, plan: plan, rendered: expected)
    }

    @Test func withoutASessionBusPlayPlaysAndSaysSoOnce() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder, hold: 1)
        let play = try Program.run(
            ["play", routine, "-D", "pulse", "--rounds", "1", "--pace", "4", "-v"],
            environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=\(folder)/no-bus"], timeout: 60)
        #expect(play.status == 0, "\(play.error)")
        let lines = play.error.split(separator: "\n").filter { $0.contains("MPRIS") }
        #expect(lines.count == 1 && lines[0].contains("no session bus"), "\(play.error)")
        let off = try Program.run(
            ["play", routine, "-D", "pulse", "--rounds", "1", "--pace", "4", "-v", "--no-mpris"],
            environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=\(folder)/no-bus"], timeout: 60)
        #expect(off.status == 0 && !off.error.contains("MPRIS"), "\(off.error)")
    }

    /// The bus gone mid-session (the desktop session ended, the daemon
    /// killed): the session plays on to its end, and the control thread
    /// does not spin on the dead connection (CPU time well under the wall
    /// time; a spinning thread would take a whole core).
    @Test func aLostBusLeavesTheSessionPlaying() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bus = try SessionBus(in: folder)
        defer { bus.stop() }
        let routine = try LiveRoutines.write(to: folder, hold: 4)
        let player = try bus.start(
            "/usr/bin/time", ["-f", "%e %U %S", "-o", folder + "/time", Repository.products + "/stretchcue",
            "play", routine, "-D", "pulse", "--rounds", "1", "--lead-in-ms", "0", "-v"],
            output: folder + "/out", errors: folder + "/log")
        try bus.waitUntil("the player is on the bus") { bus.playerctl(["-l"]).contains("stretchcue") }
        bus.stop()
        player.waitUntilExit()
        let said = try String(contentsOfFile: folder + "/out", encoding: .utf8)
            + String(contentsOfFile: folder + "/log", encoding: .utf8)
        #expect(player.terminationStatus == 0 && said.contains("stretchcue: played"), "\(said)")
        let times = try String(contentsOfFile: folder + "/time", encoding: .utf8).split(separator: " ")
            .compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(times.count == 3 && times[1] + times[2] < 0.5 * times[0], "wall, user, system seconds: \(times)")
    }
}

/// A private D-Bus session bus (`dbus-daemon --session`) in a folder, and
/// programs started on it.
struct SessionBus {
    let address: String
    private let daemon: Process

    init(in folder: String) throws {
        let socket = folder + "/bus"
        address = "unix:path=" + socket
        daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: "/usr/bin/dbus-daemon")
        daemon.arguments = ["--session", "--nofork", "--nopidfile", "--address=" + address]
        try daemon.run()
        try waitUntil("the bus listens") { FileManager.default.fileExists(atPath: socket) }
    }

    /// Ends the bus: SIGKILL, as a child started from a test thread inherits
    /// its blocked signals, SIGTERM among them.
    func stop() {
        guard daemon.isRunning else { return }
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
    }

    /// Starts `program` on the bus, its output and errors into files.
    func start(_ program: String, _ arguments: [String], output: String, errors: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["DBUS_SESSION_BUS_ADDRESS": address, "XDG_STATE_HOME": Program.stateHome]) { $1 }
        for path in [output, errors] { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `playerctl` on the bus; what it printed, trimmed.
    @discardableResult
    func playerctl(_ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/playerctl")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["DBUS_SESSION_BUS_ADDRESS": address]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "" }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits for `condition`, looking every 20 ms; a condition not met in
    /// `seconds` is a failure naming `what`.
    func waitUntil(_ what: String, seconds: Double = 5, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { throw NotReached(what: what, seconds: seconds) }
            usleep(20_000)
        }
    }

    struct NotReached: Error, CustomStringConvertible {
        var what: String
        var seconds: Double
        var description: String { "not \(what) after \(seconds) s" }
    }
}

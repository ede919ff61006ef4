import Audio
import Foundation
import Output
import TestSupport
import Testing

/// `stretchcue serve` as a box runs it, driven by `stretchcue ctl` over its
/// socket, playing into the PulseAudio null sink and recorded: what each
/// request does is checked in the sound.
@Suite(.serialized, .enabled(if: RealTime.sink != nil, "needs the PulseAudio null sink started by .ci/test"))
struct ServeTests {
    @Test func startPauseResumeNextAndStopOverTheSocket() throws {
        let box = try Box()
        defer { box.tearDown() }
        let routine = try LiveRoutines.write(to: box.folder, hold: 8)
        let plan = try RealTime.plan(routine, [])
        let render = try Program.run(["render", routine, "-o", box.folder + "/render.wav", "--mute", "chime,breath"])
        #expect(render.status == 0)
        let expected = try WAV(path: box.folder + "/render.wav").samples
        let recorder = try RealTime.record(to: box.folder + "/heard.raw")
        try box.start()
        #expect(try box.ctl("status") == "idle, volume 0 dB, device pulse")
        // Long enough for the box to say it is ready; a start would cut that short.
        try box.waitFor(seconds: 5)

        let started = try box.ctl("start", routine)
        #expect(started.hasPrefix("waiting, Short") || started.hasPrefix("playing, Short"), "\(started)")
        // Into the first pose's hold (its step starts with the prompt, 0.5 s settle, then the hold).
        let firstHold = Double(plan.cues.first { $0.kind == "chime.start" }!.frame) / 48_000
        try box.waitFor { $0.contains("pose 1 of 2") && box.position($0) > firstHold + 1 }
        #expect(try box.ctl("pause").hasPrefix("paused"))
        let paused = Date()
        try box.waitFor(seconds: 2)
        #expect(try box.ctl("resume").hasPrefix("playing"))
        let pauseLasted = Date().timeIntervalSince(paused)
        try box.waitFor(seconds: 1.5)
        // Asked for its status 20 times a second meanwhile, the box answers each at once.
        let asker = StatusAsker(socket: box.socket)
        let jumped = try box.ctl("next")
        #expect(jumped.contains("pose 2 of 2"), "next answers with where it lands: \(jumped)")
        try box.waitFor { $0.contains("pose 2 of 2") }
        try box.waitFor(seconds: 2)
        let (asked, longest) = asker.stop()
        #expect(asked >= 20 && longest < .milliseconds(100), "\(asked) status requests, the longest answered in \(longest)")
        _ = try box.ctl("stop")
        try box.waitFor { $0.hasPrefix("idle") }
        let log = try box.stop()
        usleep(300_000)
        kill(recorder.processIdentifier, SIGKILL)
        recorder.waitUntilExit()

        let latency = log.split(separator: "\n").last { $0.contains("longest command to earcon:") }
            .flatMap { $0.split(separator: " ").dropLast().last }.flatMap { Int($0) }
        #expect(latency != nil && latency! < 80, "request to earcon: \(latency.map(String.init) ?? "not logged") ms")
        let heard = try RealTime.rawSamples(box.folder + "/heard.raw")
        try RealTime.expectPauseResumeAndNext(in: heard, pauseLasted: pauseLasted, plan: plan, rendered: expected)
        // Before all that, a box with no screen said it was ready.
        let ready = try SoundFile.read(Repository.voiceFolder + "/status.ready.wav", rate: 48_000)
        let words = (4800..<28_800).map { Float(ready.samples[$0]) / PCM16.fullScale }
        let left = stride(from: 0, to: heard.count, by: 2).map { heard[$0] }
        let firstEarcon = Alignment.find(Earcons.pause, in: left) ?? left.count
        #expect(Alignment.find(words, in: Array(left[..<firstEarcon]), threshold: 0.8) != nil, "no 'ready' heard")

        let history = try Program.run(["history", "--json", "--config", box.config])
        #expect(history.status == 0)
        #expect(history.output.contains(#""routine":"Short","rounds":1,"completed":[],"skipped":["one"],"stopped":true"#), "\(history.output)")
        // Stopped in the second pose: the place is kept to go on from.
        let place = try String(contentsOfFile: box.folder + "/state/place.yaml", encoding: .utf8)
        #expect(place.contains("step: 1") && place.contains("pose: \"two\"") && place.contains("side: left"), "\(place)")
    }

    @Test func requestsThatMakeNoSenseAreRefusedWithAReason() throws {
        let box = try Box()
        defer { box.tearDown() }
        // As under systemd: the log goes to the journal.
        try box.start(journal: true)
        let next = try Program.run(["ctl", "next", "--socket", box.socket])
        #expect(next.status == 4 && next.error.contains("refused: nothing is playing"), "\(next.error)")
        let missing = try Program.run(["ctl", "start", box.folder + "/missing.yaml", "--socket", box.socket])
        #expect(missing.status == 4 && missing.error.contains("missing.yaml"), "\(missing.error)")
        let nobody = try Program.run(["ctl", "status", "--socket", box.folder + "/nobody.sock"])
        #expect(nobody.status == 5 && nobody.error.contains("no box answers"), "\(nobody.error)")
        // Journal lines: a syslog priority first, no time stamp, no escape code.
        let log = try box.stop().split(separator: "\n")
        #expect(!log.isEmpty && log.allSatisfy { $0.hasPrefix("<") && $0.dropFirst(2).hasPrefix(">") }, "\(log)")
        #expect(log.contains { $0.hasPrefix("<5>listening on ") }, "\(log)")
        #expect(!log.contains { $0.contains("\u{1B}") })
    }
}

/// A `stretchcue serve` of its own, in a folder of its own.
final class Box {
    let folder = Repository.temporaryFolder("stretchcue-box")
    var socket: String { folder + "/box.sock" }
    var config: String { folder + "/config.yaml" }
    private var process: Process?
    /// The running box's process identifier.
    var processIdentifier: pid_t? { process?.processIdentifier }

    /// A box with its own config, playing on `device` with `mute` muted; `extra` adds to it.
    init(device: String = "pulse", leadInMs: Int = 500, mute: String = "[chime, breath]", extra: String = "") throws {
        try """
            device: \(device)
            lead_in_ms: \(leadInMs)
            mute: \(mute)
            socket: \(socket)
            state_folder: \(folder)/state
            routines: [\(folder)]

            """.appending(extra).write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// Starts the box (with `environment` added to this process's) and
    /// waits until it answers; with `journal`, its log is taken for the
    /// journal's stream, as under systemd.
    func start(environment: [String: String] = [:], journal: Bool = false) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.products + "/stretchcue")
        process.arguments = ["serve", "--config", config, "-v"]
        #expect(FileManager.default.createFile(atPath: folder + "/serve.log", contents: nil))
        var environment = environment
        if journal {
            var info = stat()
            #expect(stat(folder + "/serve.log", &info) == 0)
            environment["JOURNAL_STREAM"] = "\(info.st_dev):\(info.st_ino)"
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/serve.log"))
        process.standardOutput = process.standardError
        try process.run()
        self.process = process
        try waitFor { _ in true }
    }

    /// What `ctl` prints for `words`.
    @discardableResult
    func ctl(_ words: String...) throws -> String {
        let result = try Program.run(["ctl"] + words + ["--socket", socket])
        #expect(result.status == 0, "ctl \(words.joined(separator: " ")): \(result.error)")
        return result.output.trimmingCharacters(in: .newlines)
    }

    /// Asks for the status until `done` says so; a box that never gets
    /// there within `limit` seconds is a failure.
    func waitFor(limit: Double = 30, _ done: (String) -> Bool) throws {
        let start = Date()
        while Date().timeIntervalSince(start) < limit {
            let result = try Program.run(["ctl", "status", "--socket", socket])
            if result.status == 0 && done(result.output) { return }
            usleep(20_000)
        }
        Issue.record("the box did not get there within \(limit) s: \(try Program.run(["ctl", "status", "--socket", socket]).output)")
        throw CancellationError()
    }

    /// Lets `seconds` go by, the box answering all the while.
    func waitFor(seconds: Double) throws {
        let start = Date()
        try waitFor { _ in Date().timeIntervalSince(start) >= seconds }
    }

    /// The session's position in seconds, from the JSON status.
    func position(_ status: String) -> Double { field("position") }

    /// A number of the JSON status (`position`, `remaining`); 0 without one.
    func field(_ name: String) -> Double {
        guard let json = try? Program.run(["ctl", "status", "--json", "--socket", socket]).output,
            let range = json.range(of: "\"\(name)\":")
        else { return 0 }
        return Double(json[range.upperBound...].prefix { $0.isNumber || $0 == "." || $0 == "-" }) ?? 0
    }

    /// Stops the box with SIGTERM; returns its log.
    func stop() throws -> String {
        if let process {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "serve ended with \(process.terminationStatus)")
        }
        process = nil
        return (try? String(contentsOfFile: folder + "/serve.log", encoding: .utf8)) ?? ""
    }

    func tearDown() {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// The box as systemd and a box's wiring see it: the notifications it
/// sends, the hooks it runs, every request carried out.
extension ServeTests {
    /// READY=1 once the socket answers, then STATUS= lines as it plays; each
    /// hook runs with the state in its environment, never waited for.
    @Test func itTellsSystemdAndRunsItsHooks() throws {
        let box = try Box(extra: """
            hooks:
              on_start: "env | grep ^STRETCHCUE_ > \\"$HOOKS/start\\""
              on_pose: "env | grep ^STRETCHCUE_ >> \\"$HOOKS/pose\\"; sleep 30"
              on_end: "env | grep ^STRETCHCUE_ > \\"$HOOKS/end\\""
            """)
        defer { box.tearDown() }
        let routine = try LiveRoutines.write(to: box.folder, hold: 2)
        let notifications = try NotifySocket(path: box.folder + "/notify")
        try box.start(environment: ["NOTIFY_SOCKET": notifications.path, "HOOKS": box.folder])
        let ready = notifications.received()
        #expect(ready.first?.contains("READY=1") == true, "\(ready)")
        _ = try box.ctl("start", routine)
        try box.waitFor(limit: 60) { $0.hasPrefix("playing, Short, pose 2") }
        try box.waitFor(limit: 60) { $0.hasPrefix("idle") }
        _ = try box.stop()

        let statuses = notifications.received().filter { $0.hasPrefix("STATUS=") }
        #expect(statuses.contains("STATUS=playing pose 1 of 2 (One)"), "\(statuses)")
        #expect(statuses.contains("STATUS=playing pose 2 of 2 (Two)"), "\(statuses)")
        #expect(statuses.last == "STATUS=idle; waiting to be told to start", "\(statuses)")
        let start = try String(contentsOfFile: box.folder + "/start", encoding: .utf8)
        #expect(start.contains("STRETCHCUE_EVENT=start") && start.contains("STRETCHCUE_ROUTINE=Short"), "\(start)")
        // One line of environment a pose: its step, while the hook before still sleeps.
        let poses = try String(contentsOfFile: box.folder + "/pose", encoding: .utf8)
        #expect(poses.contains("STRETCHCUE_POSE=one") && poses.contains("STRETCHCUE_POSE=two"), "\(poses)")
        #expect(poses.contains("STRETCHCUE_SIDE=left") && poses.contains("STRETCHCUE_SIDE=right"), "\(poses)")
        let end = try String(contentsOfFile: box.folder + "/end", encoding: .utf8)
        #expect(end.contains("STRETCHCUE_EVENT=end") && end.contains("STRETCHCUE_STOPPED=false"), "\(end)")
    }

    /// Every request a session takes does what it says, as the status shows.
    @Test func everyRequestIsCarriedOut() throws {
        let box = try Box()
        defer { box.tearDown() }
        let routine = try LiveRoutines.write(to: box.folder, hold: 30)
        try box.start()
        _ = try box.ctl("start", routine)
        try box.waitFor { $0.contains("pose 1 of 2") && box.position($0) > 2.5 }
        func remaining() -> Double { box.field("remaining") }
        let before = remaining()
        _ = try box.ctl("longer")
        try box.waitFor { _ in remaining() > before + 8 }
        _ = try box.ctl("shorter")
        try box.waitFor { _ in remaining() < before + 2 }
        #expect(try box.ctl("volume", "-4").contains("volume -4 dB"))
        #expect(try box.ctl("toggle").hasPrefix("paused"))
        #expect(try box.ctl("toggle").hasPrefix("playing"))
        _ = try box.ctl("where")
        _ = try box.ctl("faster")
        _ = try box.ctl("slower")
        _ = try box.ctl("next")
        try box.waitFor { $0.contains("pose 2 of 2 Two (left)") }
        let stepStart = box.field("position")
        try box.waitFor(seconds: 2)
        // Back to the start of the step it is in.
        _ = try box.ctl("back")
        try box.waitFor { $0.contains("pose 2 of 2 Two (left)") && box.position($0) < stepStart + 1 }
        _ = try box.ctl("stop")
        try box.waitFor { $0.hasPrefix("idle, volume -4 dB") }
        _ = try box.stop()
    }
}

/// Datagrams sent to a Unix socket, as systemd's notification socket takes them.
final class NotifySocket {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
    }

    deinit { close(descriptor) }

    /// The lines of every datagram received since the last call.
    func received() -> [String] {
        var lines: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return lines }
            lines += String(decoding: buffer[0..<count], as: UTF8.self).split(separator: "\n").map(String.init)
        }
    }
}

/// Asks a box for its status 20 times a second on one connection, on a
/// thread of its own, noting how long the slowest answer took.
final class StatusAsker: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private var asked = 0
    private var longest = Duration.zero
    private var thread: Thread?

    init(socket: String) {
        let thread = Thread { [self] in
            guard let client = try? SocketClient(socket) else { return }
            while lock.withLock({ running }) {
                let start = ContinuousClock.now
                client.send("status\n")
                let answered = client.readLines(asked + 1, limit: .seconds(2))
                let took = answered ? ContinuousClock.now - start : .seconds(2)
                lock.withLock {
                    asked += 1
                    longest = max(longest, took)
                }
                // Paced, not timed: the next request 50 ms after this one was sent.
                let next = start + .milliseconds(50)
                if next > ContinuousClock.now { Thread.sleep(forTimeInterval: Double((next - ContinuousClock.now) / .milliseconds(1)) / 1000) }
            }
        }
        self.thread = thread
        thread.start()
    }

    /// Stops asking: how many were asked, and the longest wait for an answer.
    func stop() -> (asked: Int, longest: Duration) {
        lock.withLock { running = false }
        while thread?.isFinished == false { usleep(1000) }
        return lock.withLock { (asked, longest) }
    }
}

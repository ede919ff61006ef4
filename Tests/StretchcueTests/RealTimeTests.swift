import Audio
import Foundation
import Synchronization
import TestSupport
import Testing

/// `play` in real time on a PulseAudio null sink, recorded from its monitor:
/// every cue lands within 2 ms of its planned place, and the session
/// survives its sound server being killed and started again.
///
/// Needs the server `.ci/test` starts (`STRETCHCUE_PULSE_SINK` names its
/// sink); without it the suite is skipped.
@Suite(.serialized, .enabled(if: RealTime.sink != nil, "needs the PulseAudio null sink started by .ci/test"))
struct RealTimeTests {
    @Test func everyCueIsHeardWithin2MillisecondsOfItsPlace() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder)
        let options = ["--countdown", "2", "--halfway"]
        let (plan, expected) = try RealTime.rendered(routine, options, in: folder)

        let recorder = try RealTime.record(to: folder + "/heard.raw")
        let started = Date()
        let play = try Program.run(["play", routine, "-D", "pulse", "--lead-in-ms", "500", "--buffer-ms", "200"] + options)
        let wall = Date().timeIntervalSince(started)
        usleep(300_000)
        // Killed outright: a raw recording needs no closing header.
        kill(recorder.processIdentifier, SIGKILL)
        recorder.waitUntilExit()
        #expect(play.status == 0, "\(play.error)")
        #expect(play.output.contains("0 underruns, 0 stalls, 0 reopens"), "\(play.output)")

        let session = Double(plan.frames) / 48_000
        #expect(wall > session + 0.5 && wall < session + 0.5 + 3, "played for \(wall) s; the session is \(session) s")

        let heard = try RealTime.rawSamples(folder + "/heard.raw")
        try RealTime.expectEveryCue(of: plan, from: expected, heardIn: heard)
    }

    /// Issue 15: a 2:25 session of short prompts and many chimes, five times
    /// over at the default buffer, side by side, each into a null sink of its
    /// own (`room1`...`room5`, made by `.ci/pulse`); in none does any cue
    /// slip from its place. Opt-in (`STRETCHCUE_LONG_REALTIME=1`); `.ci/test`
    /// sets it.
    ///
    /// The answers to keys play on a stream of their own, so the server
    /// keeps the whole 100 ms as a cushion; with half of it, as when they
    /// shared the session's stream, this shared VM's pauses (a real-time
    /// thread woken up to 40 ms late) now and then let the server run dry.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["STRETCHCUE_LONG_REALTIME"] == "1", "set STRETCHCUE_LONG_REALTIME=1"))
    func fiveLongSessionsSideBySideNeverSlip() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.writeSixPoses(to: folder)
        let (plan, expected) = try RealTime.rendered(routine, in: folder)
        #expect(Double(plan.frames) / 48_000 > 120)
        let plays = (1...5).map { RealTime.Play(device: "pulse", environment: ["PULSE_SINK": "room\($0)"], sink: "room\($0)") }
        try RealTime.expectEveryCueSideBySide(plays, of: routine, plan: plan, expected: expected, in: folder) { error in
            #expect(error.contains("buffer 4800 frames (100 ms)"), "\(error)")
        }
    }

    @Test func theSessionGoesOnAfterTheSoundServerRestarts() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder, hold: 6)
        let plan = try RealTime.plan(routine, [])
        let outage = 3.0

        let restarter = Thread {
            Thread.sleep(forTimeInterval: 8)
            RealTime.server("stop")
            Thread.sleep(forTimeInterval: outage)
            RealTime.server("start")
        }
        restarter.start()
        let started = Date()
        let play = try Program.run(["play", routine, "-D", "pulse", "--lead-in-ms", "500", "-v"])
        let wall = Date().timeIntervalSince(started)
        while !restarter.isFinished { usleep(100_000) }

        #expect(play.status == 0, "\(play.error)")
        #expect(play.output.contains("1 reopen"), "\(play.output)")
        #expect(play.error.contains("lost") && play.error.contains("is back"))
        // The outage, a new lead-in and the replayed step come on top of the session.
        let session = Double(plan.frames) / 48_000
        #expect(wall > session + outage && wall < session + outage + 25, "played for \(wall) s")
    }
}

extension RealTimeTests {
    /// At a terminal: keys are answered by their earcons, a pause leaves
    /// silence as long as it lasted, next moves to the next pose's prompt,
    /// and SIGTERM leaves the terminal's modes as they were.
    @Test func keysAtATerminalDoWhatTheySay() throws {
        try RealTime.expectKeysAtATerminalDoWhatTheySay(on: "pulse")
    }
}

/// Helpers for the real-time tests.
enum RealTime {
    /// A session played side by side with others: on `device`, with
    /// `environment` added, heard on `sink`.
    struct Play: Sendable {
        var device: String
        var environment: [String: String] = [:]
        var sink: String
    }

    /// Plays `routine` once per `plays`, all at once, each recorded from its
    /// sink's monitor; expects each to end well with no underrun, stall or
    /// reopen, on a sound server's second stream for the answers, and each
    /// of its cues within 2 ms of `render` (`expected`). `check` looks at
    /// each run's log as well.
    static func expectEveryCueSideBySide(
        _ plays: [Play], of routine: String, plan: Plan, expected: [Float], in folder: String,
        check: (String) -> Void = { _ in }, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let recorders = try plays.map { try record(to: "\(folder)/\($0.sink).raw", from: $0.sink) }
        let results = Mutex<[String: (status: Int32, output: String, error: String)]>([:])
        // Threads of their own, not concurrentPerform, which runs as many at once as there are cores.
        let players = plays.map { play in
            Thread {
                let run = Result {
                    try Program.run(
                        ["play", routine, "-D", play.device, "--lead-in-ms", "500", "-v"], environment: play.environment,
                        timeout: Double(plan.frames) / 48_000 + 60)
                }
                let outcome = (try? run.get()).map { ($0.status, $0.output, $0.error) } ?? (-1, "", "\(run)")
                results.withLock { $0[play.sink] = outcome }
            }
        }
        players.forEach { $0.start() }
        while players.contains(where: { !$0.isFinished }) { usleep(100_000) }
        usleep(300_000)
        for recorder in recorders {
            kill(recorder.processIdentifier, SIGKILL)
            recorder.waitUntilExit()
        }
        for play in plays {
            let run = try #require(results.withLock { $0[play.sink] }, "no result for \(play.sink)", sourceLocation: sourceLocation)
            #expect(run.status == 0, "\(play.sink): \(run.error)", sourceLocation: sourceLocation)
            #expect(
                run.output.contains("0 underruns, 0 stalls, 0 reopens"), "\(play.sink): \(run.output)\n\(run.error)",
                sourceLocation: sourceLocation)
            #expect(
                run.error.contains("the answers to keys and buttons play on"), "\(play.sink): \(run.error)",
                sourceLocation: sourceLocation)
            check(run.error)
            try expectEveryCue(
                of: plan, from: expected, heardIn: try rawSamples("\(folder)/\(play.sink).raw"), sourceLocation: sourceLocation)
        }
    }

    /// Plays a short session on `device` at a terminal, pauses it for
    /// about two seconds, resumes it and moves to the next pose, recorded
    /// from the sink: see `RealTimeTests.keysAtATerminalDoWhatTheySay`.
    static func expectKeysAtATerminalDoWhatTheySay(on device: String, sink: String = RealTime.sink!) throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder, hold: 8)
        let plan = try RealTime.plan(routine, [])
        // Chimes and breathing tones left out: the hold is silent, so each
        // earcon is heard alone, wherever in the hold the keys land (a chime
        // still ringing under the resume earcon hid it on slow starts).
        let layers = ["--mute", "chime,breath"]
        let render = try Program.run(["render", routine, "-o", folder + "/render.wav"] + layers)
        #expect(render.status == 0)
        let expected = try WAV(path: folder + "/render.wav").samples
        let terminal = try PseudoTerminal()
        let modesBefore = terminal.modes

        let recorder = try RealTime.record(to: folder + "/heard.raw", from: sink)
        #expect(FileManager.default.createFile(atPath: folder + "/log", contents: nil))
        let player = try terminal.start(
            ["play", routine, "-D", device, "--lead-in-ms", "500", "-v"] + layers,
            errors: try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/log")))

        // Into the first pose's hold, pause for about two seconds, resume, skip to the next pose.
        Thread.sleep(forTimeInterval: 5)
        terminal.type(" ")
        let paused = Date()
        Thread.sleep(forTimeInterval: 2)
        terminal.type(" ")
        let pauseLasted = Date().timeIntervalSince(paused)
        Thread.sleep(forTimeInterval: 1.5)
        terminal.type("n")
        // Until the second pose is heard (its status line says so), and
        // the first second of its announcement with it.
        let asked = Date()
        while !terminal.output.contains("Pose 2/2"), Date().timeIntervalSince(asked) < 10 { usleep(50_000) }
        Thread.sleep(forTimeInterval: 1.5)
        kill(player.processIdentifier, SIGTERM)
        player.waitUntilExit()
        usleep(300_000)
        kill(recorder.processIdentifier, SIGKILL)
        recorder.waitUntilExit()

        #expect(player.terminationStatus == 0)
        // Key to earcon: the frames written after the key came, plus those queued then.
        let log = try String(contentsOfFile: folder + "/log", encoding: .utf8)
        let latency = log.split(separator: "\n").first { $0.contains("longest key to earcon:") }
            .flatMap { $0.split(separator: " ").dropLast().last }.flatMap { Int($0) }
        #expect(latency != nil && latency! < 80, "key to earcon: \(latency.map(String.init) ?? "not logged") ms")
        // On a sound server the answers play on a stream of their own.
        #expect(log.contains("the answers to keys and buttons play on '\(device)'"), "\(log)")
        // The server plays in real time; the audio thread is not raised above the client library's.
        #expect(log.contains("the audio thread runs at normal priority: the sound server plays in real time"), "\(log)")
        let modesAfter = terminal.modes
        #expect(modesAfter.c_lflag == modesBefore.c_lflag && modesAfter.c_iflag == modesBefore.c_iflag)
        #expect(terminal.output.contains("stopped after"))
        #expect(terminal.output.contains("Pose 1/2 One"))

        let heard = try RealTime.rawSamples(folder + "/heard.raw")
        try expectPauseResumeAndNext(in: heard, pauseLasted: pauseLasted, plan: plan, rendered: expected)
    }

    /// Expects a recording of a session paused in a silent hold for
    /// `pauseLasted` seconds, resumed, and moved on to the next pose about
    /// 1.5 s later: the pause earcon, silence as long as the pause, the
    /// resume earcon where the sound comes back, the next earcon, and the
    /// second pose's announcement as rendered right after it.
    static func expectPauseResumeAndNext(
        in heard: [Float], pauseLasted: Double, plan: Plan, rendered expected: [Float],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let left = stride(from: 0, to: heard.count, by: 2).map { heard[$0] }
        // Found first, so a failure names what was missing, not every sample.
        let foundPause = Alignment.find(Earcons.pause, in: left)
        let pauseEarcon = try #require(foundPause, "no pause earcon heard", sourceLocation: sourceLocation)
        let afterEarcon = pauseEarcon + Int(0.35 * 48_000)
        let resumed = try #require(
            left[afterEarcon...].firstIndex { abs($0) > 0.001 }, "no sound after the pause", sourceLocation: sourceLocation)
        let gap = Double(resumed - pauseEarcon) / 48_000
        #expect(abs(gap - pauseLasted) < 0.2, "paused \(gap) s for requests \(pauseLasted) s apart", sourceLocation: sourceLocation)
        #expect(resumed - afterEarcon > 48_000, "the silence was cut short", sourceLocation: sourceLocation)
        // The resume earcon where the sound comes back. On a sound server it
        // plays on a stream of its own, which the server mixes in by rewinding
        // its sink; the null sink's monitor recorded here cannot take back what
        // it passed on, so the earcon's first milliseconds may be missing from
        // the recording (494 frames once in CI): within 20 ms.
        let comeback = Array(left[(resumed - 2400)..<(resumed + 14_400)])
        let resumeEarcon = Alignment.find(Earcons.resume, in: comeback, threshold: 0.9)
        #expect(
            resumeEarcon.map { abs($0 - 2400) < 960 } == true,
            "resume earcon at \(resumeEarcon.map(String.init) ?? "none")", sourceLocation: sourceLocation)
        // The next earcon about 1.5 s later, and then the second pose's announcement as rendered.
        let window = Array(left[(resumed + 48_000)..<min(left.count, resumed + 3 * 48_000)])
        let foundNext = Alignment.find(Earcons.next, in: window, threshold: 0.6)
        let next = try #require(foundNext, "no next earcon heard", sourceLocation: sourceLocation)
        let second = Int(plan.cues.first { $0.kind == "voice" && $0.frame > Int(plan.frames) / 4 }!.frame)
        let announcement = stride(from: (second + 9600) * 2, to: (second + 33_600) * 2, by: 2).map { expected[$0] }
        let from = resumed + 48_000 + next
        let landed = Alignment.find(announcement, in: Array(left[from..<min(left.count, from + 3 * 48_000)]))
        #expect(landed != nil, "the next pose's prompt did not follow the request", sourceLocation: sourceLocation)
    }

    /// Expects the first half second of the session's last cue, as rendered
    /// into the WAV file `rendered`, somewhere in the raw recording `heard`:
    /// the session went on to its end.
    static func expectTheEnd(
        of plan: Plan, renderedIn rendered: String, heardIn heard: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let expected = try WAV(path: rendered).samples
        let recording = try rawSamples(heard)
        let end = try #require(plan.cues.last, sourceLocation: sourceLocation)
        let ending = stride(from: end.frame * 2, to: (end.frame + 24_000) * 2, by: 2).map { expected[$0] }
        let left = stride(from: 0, to: recording.count, by: 2).map { recording[$0] }
        #expect(Alignment.find(ending, in: left) != nil, "the session's end was not heard", sourceLocation: sourceLocation)
    }

    static var sink: String? { ProcessInfo.processInfo.environment["STRETCHCUE_PULSE_SINK"] }

    struct Plan: Decodable {
        struct Cue: Decodable {
            var frame: Int
            var length: Int
            var kind: String
        }
        var frames: Int
        var cues: [Cue]
    }

    /// Renders `routine` with `options` into `folder`/render.wav; returns its
    /// plan and the rendered samples, the reference a recording is held to.
    static func rendered(
        _ routine: String, _ options: [String] = [], in folder: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (plan: Plan, expected: [Float]) {
        let render = try Program.run(["render", routine, "-o", folder + "/render.wav"] + options)
        #expect(render.status == 0, "\(render.error)", sourceLocation: sourceLocation)
        return (try plan(routine, options), try WAV(path: folder + "/render.wav").samples)
    }

    static func plan(_ routine: String, _ options: [String]) throws -> Plan {
        let result = try Program.run(["plan", routine, "--json"] + options)
        return try JSONDecoder().decode(Plan.self, from: Data(result.output.utf8))
    }

    /// Records the null sink's monitor (or `sink`'s) as raw 16-bit stereo at
    /// 48 kHz into `path` until killed, asking the server for `latency`
    /// milliseconds of buffer. (Children of the test runner start with
    /// signals blocked, so parec cannot be asked to stop politely.)
    static func record(to path: String, from sink: String = RealTime.sink!, latency: Int = 20) throws -> Process {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/parec")
        process.arguments = [
            "-d", "\(sink).monitor", "--raw", "--format=s16le", "--rate=48000", "--channels=2", "--latency-msec=\(latency)",
        ]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try process.run()
        usleep(500_000)
        return process
    }

    /// A raw 16-bit recording as floats.
    static func rawSamples(_ path: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { raw in raw.bindMemory(to: Int16.self).map { Float($0) / 32768 } }
    }

    /// Expects every cue of `plan` to be heard within 2 ms of its place in
    /// the recording, the session being found there once, where its first
    /// sound starts. A cue is measured on the first 50 ms of its sound that
    /// can be told apart (a breath tone starts too softly to match at once);
    /// a cue found nowhere near its place is a failure.
    /// `offset`, where known, is where the session's frame 0 is in the recording.
    static func expectEveryCue(
        of plan: Plan, from expected: [Float], heardIn heard: [Float], offset known: Int? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let offset = try #require(
            known ?? Alignment.offset(of: expected, in: heard),
            "the session was not found in \(heard.count / 2) recorded frames", sourceLocation: sourceLocation)
        var worst = 0
        for cue in plan.cues {
            let lag = stride(from: cue.frame, to: cue.frame + max(1, cue.length - 2400), by: 960).lazy.compactMap {
                Alignment.lag(of: expected, at: $0, in: heard, near: $0 + offset)
            }.first
            #expect(lag != nil, "\(cue.kind) at frame \(cue.frame) was not heard near its place", sourceLocation: sourceLocation)
            guard let lag else { continue }
            #expect(abs(lag) <= 96, "\(cue.kind) at frame \(cue.frame) heard \(lag) frames off", sourceLocation: sourceLocation)
            worst = max(worst, abs(lag))
        }
        print("RealTime: \(plan.cues.count) cues, the worst \(worst) frames off")
    }

    /// The test server's process, from its pid file.
    static func serverProcess() throws -> pid_t {
        let runtime = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"] ?? ""
        let text = try String(contentsOfFile: runtime + "/pulse/pid", encoding: .utf8)
        return try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), "no pid in \(text)")
    }

    /// Starts or stops the test server with the repository's script.
    static func server(_ action: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.root + "/.ci/pulse")
        process.arguments = [action]
        try? process.run()
        process.waitUntilExit()
    }
}

/// The earcons as the program makes them, mono.
enum Earcons {
    static let pause = sound(.pause)
    static let resume = sound(.resume)
    static let next = sound(.next)

    static func sound(_ earcon: Earcon) -> [Float] {
        earcon.sound(rate: 48_000).samples.map { Float($0) / 32767 }
    }
}

/// Finding where rendered sound sits in a recording, by normalized cross-correlation.
enum Alignment {
    /// Where `piece` (mono) sounds in `recording` (mono), if it does: the
    /// best match of the whole piece above `threshold`, among the places
    /// where its first 50 ms match nearly as well.
    static func find(_ piece: [Float], in recording: [Float], threshold: Double = 0.9) -> Int? {
        let window = min(piece.count, 2400)
        guard recording.count > piece.count else { return nil }
        var best = (at: 0, score: -1.0)
        var start = 0
        while start < recording.count - piece.count {
            // Cheap rejection: the recording must be sounding here at all.
            if abs(recording[start + window / 2]) < 1e-4 && abs(recording[start + window / 4]) < 1e-4 {
                start += 1
                continue
            }
            if score(piece, count: window, at: start, in: recording) > threshold * 0.9 {
                let whole = score(piece, count: piece.count, at: start, in: recording)
                if whole > best.score { best = (start, whole) }
            }
            start += 1
        }
        return best.score > threshold ? best.at : nil
    }

    /// Normalized correlation of the first `count` frames of `piece` with the recording at `start`.
    static func score(_ piece: [Float], count: Int, at start: Int, in recording: [Float]) -> Double {
        var (product, power, energy) = (0.0, 0.0, 0.0)
        for index in stride(from: 0, to: count, by: 2) {
            let (a, b) = (Double(piece[index]), Double(recording[start + index]))
            product += a * b
            power += b * b
            energy += a * a
        }
        return product / max((power * energy).squareRoot(), 1e-12)
    }

    /// Where the render's first sound starts in the recording, to the frame.
    static func offset(of expected: [Float], in heard: [Float]) -> Int? {
        guard let first = firstLoud(expected), let rough = firstLoud(heard) else { return nil }
        return lag(of: expected, at: first, in: heard, near: rough, search: 2400).map { rough + $0 - first }
    }

    /// How far from `near` (in frames) the 50 ms of the render from frame
    /// `frame` best match the recording; `nil` where the render is silent there.
    static func lag(of expected: [Float], at frame: Int, in heard: [Float], near: Int, search: Int = 240) -> Int? {
        let window = 2400
        guard frame >= 0, (frame + window) * 2 <= expected.count, near - search >= 0,
            (near + search + window) * 2 <= heard.count
        else { return nil }
        let piece = (0..<window).map { Double(expected[(frame + $0) * 2]) }
        let energy = piece.reduce(0) { $0 + $1 * $1 }
        guard energy > 1e-3 else { return nil }
        // The recording around `near`, left channel, and a running sum of its power.
        let around = (0..<(2 * search + window)).map { Double(heard[(near - search + $0) * 2]) }
        var power = around[0..<window].reduce(0) { $0 + $1 * $1 }
        var best = (lag: 0, score: -Double.infinity)
        piece.withUnsafeBufferPointer { piece in
            around.withUnsafeBufferPointer { around in
                for shift in 0...(2 * search) {
                    if shift > 0 {
                        power += around[shift + window - 1] * around[shift + window - 1] - around[shift - 1] * around[shift - 1]
                    }
                    var product = 0.0
                    for index in 0..<window { product += piece[index] * around[shift + index] }
                    let score = product / max(max(power, 0) * energy, 1e-12).squareRoot()
                    if score > best.score { best = (shift - search, score) }
                }
            }
        }
        return best.score > 0.9 ? best.lag : nil
    }

    private static func firstLoud(_ samples: [Float]) -> Int? {
        stride(from: 0, to: samples.count, by: 2).first { abs(samples[$0]) > 0.01 }.map { $0 / 2 }
    }
}

extension RealTimeTests {
    /// With `--mixer-control`, the volume keys move the card's own control
    /// (here the sound server's `Master`, through ALSA's mixer API), not the samples.
    @Test func theVolumeKeysDriveTheCardsControlWithMixerControl() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        defer { _ = try? RealTime.pactl(["set-sink-volume", RealTime.sink!, "100%"]) }
        let routine = try LiveRoutines.write(to: folder, hold: 8)
        let missing = try Program.run(["play", routine, "-D", "pulse", "--mixer-control", "Nowhere"])
        #expect(missing.status == 3 && missing.error.contains("no playback volume control named 'Nowhere'"), "\(missing.error)")

        let terminal = try PseudoTerminal()
        let player = try terminal.start(["play", routine, "-D", "pulse", "--lead-in-ms", "0", "--mixer-control", "Master"])
        defer { if player.isRunning { kill(player.processIdentifier, SIGKILL) } }
        func waitFor(_ text: String) -> Bool {
            let asked = Date()
            while !terminal.output.contains(text) {
                guard Date().timeIntervalSince(asked) < 10 else { return false }
                usleep(20_000)
            }
            return true
        }
        #expect(waitFor("Pose 1/2"), "\(terminal.output)")
        // Down five times, each taken before the next: 2 dB a step.
        for step in 1...5 {
            terminal.type("\u{1B}[B")
            #expect(waitFor("vol -\(2 * step) dB"), "step \(step): \(terminal.output.suffix(300))")
        }
        kill(player.processIdentifier, SIGTERM)
        player.waitUntilExit()
        #expect(player.terminationStatus == 0)
        // The control has no dB scale, so -10 dB is a tenth of its range's power: 10^(-10/20) of 65536.
        let volume = try RealTime.pactl(["get-sink-volume", RealTime.sink!])
        let raw = volume.split(separator: " ").compactMap { Int($0) }.first
        #expect(raw.map { abs($0 - 20_724) <= 2 } == true, "\(volume)")
    }
}

extension RealTime {
    /// Runs `pactl` with `arguments`; its output.
    static func pactl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pactl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }
}

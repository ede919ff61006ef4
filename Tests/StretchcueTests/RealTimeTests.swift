import Foundation
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
        let render = try Program.run(["render", routine, "-o", folder + "/render.wav"] + options)
        #expect(render.status == 0, "\(render.error)")
        let plan = try RealTime.plan(routine, options)

        let recorder = try RealTime.record(to: folder + "/heard.raw")
        let started = Date()
        let play = try Program.run(["play", routine, "-D", "pulse", "--lead-in-ms", "500", "--buffer-ms", "200"] + options)
        let wall = Date().timeIntervalSince(started)
        usleep(300_000)
        // Killed outright: a raw recording needs no closing header.
        kill(recorder.processIdentifier, SIGKILL)
        recorder.waitUntilExit()
        #expect(play.status == 0, "\(play.error)")
        #expect(play.output.contains("0 underruns, 0 reopens"), "\(play.output)")

        let session = Double(plan.frames) / 48_000
        #expect(wall > session + 0.5 && wall < session + 0.5 + 3, "played for \(wall) s; the session is \(session) s")

        let expected = try WAV(path: folder + "/render.wav").samples
        let heard = try RealTime.rawSamples(folder + "/heard.raw")
        let found = Alignment.offset(of: expected, in: heard)
        #expect(found != nil, "the session was not found in \(heard.count / 2) recorded frames")
        guard let offset = found else { return }
        var checked = 0
        for cue in plan.cues where cue.kind != "breath.hold" {
            guard let lag = Alignment.lag(of: expected, at: cue.frame, in: heard, near: cue.frame + offset) else { continue }
            #expect(abs(lag) <= 96, "\(cue.kind) at frame \(cue.frame) heard \(lag) frames off")
            checked += 1
        }
        #expect(checked >= plan.cues.count * 3 / 4, "only \(checked) of \(plan.cues.count) cues could be measured")
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

/// Helpers for the real-time tests.
enum RealTime {
    static var sink: String? { ProcessInfo.processInfo.environment["STRETCHCUE_PULSE_SINK"] }

    struct Plan: Decodable {
        struct Cue: Decodable {
            var frame: Int
            var kind: String
        }
        var frames: Int
        var cues: [Cue]
    }

    static func plan(_ routine: String, _ options: [String]) throws -> Plan {
        let result = try Program.run(["plan", routine, "--json"] + options)
        return try JSONDecoder().decode(Plan.self, from: Data(result.output.utf8))
    }

    /// Records the null sink's monitor as raw 16-bit stereo at 48 kHz into
    /// `path` until killed. (Children of the test runner start with signals
    /// blocked, so parec cannot be asked to stop politely.)
    static func record(to path: String) throws -> Process {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/parec")
        process.arguments = [
            "-d", "\(sink!).monitor", "--raw", "--format=s16le", "--rate=48000", "--channels=2", "--latency-msec=20",
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

    /// Starts or stops the test server with the repository's script.
    static func server(_ action: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.root + "/.ci/pulse")
        process.arguments = [action]
        try? process.run()
        process.waitUntilExit()
    }
}

/// Finding where rendered sound sits in a recording, by normalized cross-correlation.
enum Alignment {
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
        var best = (lag: 0, score: -Double.infinity)
        for lag in -search...search {
            var product = 0.0
            var power = 0.0
            for index in 0..<window {
                let value = Double(heard[(near + lag + index) * 2])
                product += piece[index] * value
                power += value * value
            }
            let score = product / max(power * energy, 1e-12).squareRoot()
            if score > best.score { best = (lag, score) }
        }
        return best.score > 0.9 ? best.lag : nil
    }

    private static func firstLoud(_ samples: [Float]) -> Int? {
        stride(from: 0, to: samples.count, by: 2).first { abs(samples[$0]) > 0.01 }.map { $0 / 2 }
    }
}

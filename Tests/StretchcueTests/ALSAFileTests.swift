import Foundation
import TestSupport
import Testing

/// `play` through the real ALSA library into ALSA's file plugin: what the
/// device receives is, after the lead-in, exactly what `render` writes.
@Suite struct ALSAFileTests {
    @Test func playCapturesExactlyTheFramesRenderWrites() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder)
        let options = ["--countdown", "2", "--halfway"]

        let play = try Program.run(
            ["play", routine, "-D", "tap", "--sample-format", "s16", "--lead-in-ms", "250"] + options,
            environment: try Self.tapDevice(writingTo: folder + "/tap.wav"))
        #expect(play.status == 0, "\(play.error)")
        #expect(play.output.contains("0 underruns, 0 stalls, 0 reopens"))
        let render = try Program.run(["render", routine, "-o", folder + "/render.wav"] + options)
        #expect(render.status == 0, "\(render.error)")

        let captured = try WAV(path: folder + "/tap.wav")
        let rendered = try WAV(path: folder + "/render.wav")
        #expect(captured.channels == 2 && captured.sampleRate == 48_000 && captured.bitsPerSample == 16)
        let leadIn = 12_000 * 4
        #expect(captured.data.prefix(leadIn).allSatisfy { $0 == 0 })
        // Then the session, and silence behind it while the device plays it out.
        let session = captured.data.dropFirst(leadIn)
        #expect(session.count > rendered.data.count)
        #expect(firstDifference(session.prefix(rendered.data.count), rendered.data) == nil)
        #expect(session.dropFirst(rendered.data.count).allSatisfy { $0 == 0 })
    }
}

extension ALSAFileTests {
    /// The environment that gives the program an ALSA device `tap`: the
    /// file plugin writing what it is sent to `path` as WAV, as fast as it
    /// comes. The configuration sits beside `path`.
    static func tapDevice(writingTo path: String) throws -> [String: String] {
        let configuration = path + ".asoundrc"
        try "pcm.tap { type file; slave.pcm \"null\"; file \"\(path)\"; format \"wav\" }\n"
            .write(toFile: configuration, atomically: true, encoding: .utf8)
        return ["ALSA_CONFIG_PATH": "/usr/share/alsa/alsa.conf:\(configuration)"]
    }

    /// Output that is not a terminal gets one plain line per event: no
    /// cursor movement, no escape sequences, and no keys are read.
    @Test func withoutATerminalEachStepIsOnePlainLine() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder)
        let play = try Program.run(
            ["play", routine, "-D", "tap", "--lead-in-ms", "0"], environment: try Self.tapDevice(writingTo: folder + "/tap.wav"))
        #expect(play.status == 0, "\(play.error)")
        let lines = play.output.split(separator: "\n").map(String.init)
        #expect(lines.contains("Round 1, pose 1 of 2: One, hold 4 s"))
        #expect(lines.contains("Round 1, pose 2 of 2: Two, left side, hold 4 s"))
        #expect(lines.contains("Round 1, pose 2 of 2: Two, right side, hold 4 s"))
        #expect(!play.output.contains("\u{1B}") && !play.output.contains("\r"))
    }
}

/// Short routines for live tests: real voice prompts, short holds.
enum LiveRoutines {
    /// Writes a routine of about 25 seconds and returns its path.
    static func write(to folder: String, hold: Double = 4) throws -> String {
        let path = folder + "/short.yaml"
        try """
            name: Short
            hold: \(hold)
            settle: 0.5
            rest: 0.5
            breathing: "2:2"
            poses:
              - id: one
                name: One
                prompt: side.left
              - id: two
                name: Two
                prompt: side.right
                sides: [left, right]
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Writes a routine of 2:25: six poses held 8 s on each side, short
    /// prompts and many chimes, and returns its path.
    static func writeSixPoses(to folder: String) throws -> String {
        let path = folder + "/six.yaml"
        let poses = (1...6).map { "  - id: p\($0)\n    name: P\($0)\n    prompt: side.left\n    sides: [left, right]\n" }
        try ("name: Six\nhold: 8\nsettle: 0.5\nrest: 0.5\nposes:\n" + poses.joined())
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

extension ALSAFileTests {
    /// `play --resume` after a session was cut off in its second step: it
    /// plays, after the lead-in, exactly what `render` has from that step's
    /// announcement on; then the history has the session and no place is left.
    @Test func resumeGoesOnFromTheSavedStep() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let state = folder + "/state"
        let routine = try LiveRoutines.write(to: folder)
        let plan = try RealTime.plan(routine, ["--halfway"])
        try FileManager.default.createDirectory(atPath: state + "/stretchcue", withIntermediateDirectories: true)
        try """
            routine: "\(routine)"
            pace: 1
            halfway: true
            countdown: 0
            step: 1
            round: 1
            pose: "two"
            side: left
            """.write(toFile: state + "/stretchcue/place.yaml", atomically: true, encoding: .utf8)
        var environment = try Self.tapDevice(writingTo: folder + "/tap.wav")
        environment["XDG_STATE_HOME"] = state
        let play = try Program.run(
            ["play", routine, "--resume", "-D", "tap", "--sample-format", "s16", "--lead-in-ms", "250"], environment: environment)
        #expect(play.status == 0, "\(play.error)")
        #expect(!play.output.contains("pose 1 of 2"), "\(play.output)")
        let render = try Program.run(["render", routine, "-o", folder + "/render.wav", "--halfway"])
        #expect(render.status == 0)

        let captured = try WAV(path: folder + "/tap.wav")
        let rendered = try WAV(path: folder + "/render.wav")
        // The second step begins at its announcement: the second voice cue.
        let from = try #require(plan.cues.filter { $0.kind == "voice" }.dropFirst().first).frame
        let leadIn = 12_000 * 4
        let resumed = rendered.data.dropFirst(from * 4)
        #expect(firstDifference(captured.data.dropFirst(leadIn).prefix(resumed.count), resumed) == nil)
        let history = try String(contentsOfFile: state + "/stretchcue/history.jsonl", encoding: .utf8)
        // Played faster than real time, the steps went by too fast to be
        // followed; the first, never played, is in neither list.
        #expect(history.contains(#""routine":"Short""#) && history.contains(#""stopped":false"#), "\(history)")
        #expect(!history.contains(#""one""#), "\(history)")
        #expect(!FileManager.default.fileExists(atPath: state + "/stretchcue/place.yaml"))
    }

    /// A saved place that is torn, or from another routine, is one warning:
    /// the session plays from its beginning.
    @Test(arguments: ["routine: \"back-tension\"\nstep: 3\nround: 1\npose: \"cobra\"\n", "step: 1\nrou"])
    func aForeignOrTornPlaceIsAWarningAndTheSessionStartsAtTheBeginning(place: String) throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let state = folder + "/state"
        let routine = try LiveRoutines.write(to: folder)
        try FileManager.default.createDirectory(atPath: state + "/stretchcue", withIntermediateDirectories: true)
        try place.write(toFile: state + "/stretchcue/place.yaml", atomically: true, encoding: .utf8)
        var environment = try Self.tapDevice(writingTo: folder + "/tap.wav")
        environment["XDG_STATE_HOME"] = state
        let play = try Program.run(["play", routine, "--resume", "-D", "tap", "--lead-in-ms", "0"], environment: environment)
        #expect(play.status == 0, "\(play.error)")
        #expect(play.output.contains("pose 1 of 2"))
        #expect(play.error.contains("starting from the beginning"), "\(play.error)")
    }
}

import Foundation
import TestSupport
import Testing

/// Names from files that would retitle the terminal (OSC), clear it
/// (`ESC[2J`) and reverse what follows them (U+202E) reach a person only
/// escaped: on `plan`, `play`, `render -v`, `packs list`, `history` and
/// `ctl`, on standard output and standard error alike.
@Suite struct TerminalTextTests {
    /// The routine, its poses, a prompt file and a pack, each named with
    /// `hostile`, played, planned, rendered and listed.
    @Test func aHostileRoutineAndPackAreShownEscaped() throws {
        let folder = Repository.temporaryFolder("stretchcue-text")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let prompt = "cue\u{1B}]0;owned\u{07}\u{202E}.wav"
        try WAV.writeTone(folder + "/" + prompt, seconds: 0.5)
        let routine = folder + "/hostile.yaml"
        try """
            name: "Routine\(hostileYAML)"
            hold: 2
            settle: 0.5
            rest: 0.5
            breathing: "2:2"
            poses:
              - id: one
                name: "One\(hostileYAML)"
                prompt: "cue\\e]0;owned\\a\\u202E.wav"
              - id: "two\(hostileYAML)"
                name: "Two\(hostileYAML)"
                prompt: side.right
                sides: [left, right]
            """.write(toFile: routine, atomically: true, encoding: .utf8)
        var environment = try Self.pack(in: folder)
        environment["XDG_STATE_HOME"] = folder + "/state"

        let plan = try Program.run(["plan", routine], environment: environment)
        #expect(plan.status == 0, "\(plan.error)")
        expectNoControls(plan)
        #expect(plan.output.hasPrefix("Routine\(shown): "), "\(plan.output)")
        #expect(plan.output.contains("two\(shown)"), "\(plan.output)")
        #expect(plan.output.contains(#"cue\u{1B}]0;owned\u{7}\u{202E}.wav"#), "\(plan.output)")

        let json = try Program.run(["plan", routine, "--json"], environment: environment)
        #expect(json.status == 0, "\(json.error)")
        expectNoControls(json)
        #expect(json.output.contains(#""pose": "two\u001b]0;owned\u0007\u001b[2J\u202e""#), "\(json.output)")

        let tap = try ALSAFileTests.tapDevice(writingTo: folder + "/tap.wav")
        let play = try Program.run(
            ["play", routine, "--plain", "-D", "tap", "--lead-in-ms", "0"], environment: environment.merging(tap) { $1 })
        #expect(play.status == 0, "\(play.error)")
        expectNoControls(play)
        #expect(play.output.contains("Round 1, pose 2 of 2: Two\(shown), left side, hold 2 s"), "\(play.output)")

        let render = try Program.run(["render", routine, "--pack", "evil", "-v", "-o", folder + "/out.wav"], environment: environment)
        #expect(render.status == 0, "\(render.error)")
        expectNoControls(render)
        #expect(render.error.contains("sound chime.start: pack 'Pack\(shown)', "), "\(render.error)")
        #expect(render.error.contains(#"cue\u{1B}]0;owned\u{7}\u{202E}.wav"#), "\(render.error)")

        let list = try Program.run(["packs", "list"], environment: environment)
        #expect(list.status == 0, "\(list.error)")
        expectNoControls(list)
        #expect(list.output.contains("evil  Pack\(shown) (CC0-1.0): 1 sound, 0 prompts"), "\(list.output)")
    }

    /// A history entry whose routine name holds the controls, as a table and as JSON.
    @Test func aHostileHistoryEntryIsShownEscaped() throws {
        let folder = Repository.temporaryFolder("stretchcue-text")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/stretchcue", withIntermediateDirectories: true)
        try #"{"start":1764660000,"end":1764660600,"routine":"R\u001b]0;owned\u0007\u001b[2J\u202e","rounds":1,"completed":["a"],"skipped":[],"stopped":false}"#
            .appending("\n").write(toFile: folder + "/stretchcue/history.jsonl", atomically: true, encoding: .utf8)
        let environment = ["XDG_STATE_HOME": folder]

        let table = try Program.run(["history"], environment: environment)
        #expect(table.status == 0, "\(table.error)")
        expectNoControls(table)
        // Escaped, it is longer than the column: cut to fit as any name is.
        #expect(table.output.contains(" \(("R" + shown).prefix(31))… 1 "), "\(table.output)")

        let json = try Program.run(["history", "--json"], environment: environment)
        #expect(json.status == 0, "\(json.error)")
        expectNoControls(json)
        #expect(json.output.contains(#""routine":"R\u001b]0;owned\u0007\u001b[2J\u202e""#), "\(json.output)")
    }

    /// `ctl status` prints what a box's socket sends: names decoded from
    /// the JSON's escapes, and raw ones from a box that sends them, escaped.
    @Test(arguments: [[], ["--json"]])
    func aHostileStatusFromTheBoxIsShownEscaped(flags: [String]) throws {
        let folder = Repository.temporaryFolder("stretchcue-text")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let reply = #"{"ok":true,"status":{"state":"playing","routine":"R\u001b]0;owned\u0007\u001b[2J\u202e","#
            + #""pose":1,"poses":2,"name":"P\#u{202E}x","side":null,"remaining":30,"volume":0}}"#
        let box = try AnsweringSocket(at: folder + "/box.sock", reply: reply)
        defer { _ = box.finish() }

        let status = try Program.run(["ctl", "status", "--socket", folder + "/box.sock"] + flags)
        #expect(status.status == 0, "\(status.error)")
        expectNoControls(status)
        #expect(status.output.contains(flags.isEmpty ? "R\(shown)" : #"R\u001b]0;owned"#), "\(status.output)")
        #expect(status.output.contains(#"P\u{202E}x"#), "\(status.output)")
        #expect(box.finish() == "status")
    }
}

extension TerminalTextTests {
    /// A pack `evil` named with the controls, in a data folder of its own:
    /// the environment that finds it.
    static func pack(in folder: String) throws -> [String: String] {
        let pack = folder + "/data/stretchcue/packs/evil"
        try FileManager.default.createDirectory(atPath: pack, withIntermediateDirectories: true)
        try WAV.writeTone(pack + "/start.wav", seconds: 0.3)
        try "format: 1\nname: \"Pack\(hostileYAML)\"\nlicense: CC0-1.0\nsounds:\n  chime.start: start.wav\n"
            .write(toFile: pack + "/pack.yaml", atomically: true, encoding: .utf8)
        return ["XDG_DATA_HOME": folder + "/data"]
    }
}

/// The controls, as a YAML double-quoted string writes them: a window
/// title (OSC ... BEL), clear the screen, and right-to-left override.
private let hostileYAML = #"\e]0;owned\a\e[2J\u202E"#

/// The same controls as a person is shown them.
private let shown = #"\u{1B}]0;owned\u{7}\u{1B}[2J\u{202E}"#

/// Neither output holds ESC, BEL or U+202E, raw.
private func expectNoControls(_ result: Program.Result, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    for (name, text) in [("standard output", result.output), ("standard error", result.error)] {
        let bytes = Array(text.utf8)
        #expect(!bytes.contains(0x1B) && !bytes.contains(0x07), "\(name): \(text.debugDescription)", sourceLocation: sourceLocation)
        #expect(!text.unicodeScalars.contains("\u{202E}"), "\(name): \(text.debugDescription)", sourceLocation: sourceLocation)
    }
}

/// A Unix socket that answers the first line sent to it with one reply line,
/// as a box does a `status` request.
private final class AnsweringSocket: @unchecked Sendable {
    private let listener: Int32
    private let answered = DispatchSemaphore(value: 0)
    private var received = ""
    private var finished = false

    init(at path: String, reply: String) throws {
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard listener >= 0, bound == 0, listen(listener, 1) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno)!) }
        Thread { [self] in
            defer { answered.signal() }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            defer { Glibc.close(client) }
            var bytes: [UInt8] = []
            var byte: UInt8 = 0
            while read(client, &byte, 1) == 1, byte != UInt8(ascii: "\n") { bytes.append(byte) }
            received = String(decoding: bytes, as: UTF8.self)
            let line = Array((reply + "\n").utf8)
            _ = line.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
        }.start()
    }

    /// Stops listening (an accept still waiting returns) and gives the line
    /// the client sent, once the reply is written; the same line again after.
    func finish() -> String {
        if !finished {
            shutdown(listener, Int32(SHUT_RDWR))
            answered.wait()
            Glibc.close(listener)
            finished = true
        }
        return received
    }
}

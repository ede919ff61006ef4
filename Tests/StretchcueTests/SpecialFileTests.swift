import Foundation
import Glibc
import TestSupport
import Testing

/// A FIFO, a folder or a device where the program reads a file: an error
/// naming the file and what is there, within two seconds. Never a hang: a
/// plain `open` of a FIFO with no writer waits for one for ever.
@Suite struct SpecialFileTests {
    /// Seconds a run may take before it counts as hung.
    static let deadline = 2.0
    let folder = Repository.temporaryFolder()
    private let quiet = ["SWIFT_BACKTRACE": "enable=no"]

    @Test func aRoutineFileThatIsAFIFO() throws {
        let routine = try fifo("routine.yaml")
        let plan = try Program.run(["plan", routine], environment: quiet, timeout: Self.deadline)
        #expect(plan.status == 2)
        expectOneLine(plan.error, startingWith: routine + ": ", containing: "not a regular file")
    }

    /// A prompt file that is a FIFO, a folder or a character device is
    /// named as what it is, not as missing.
    @Test(arguments: [("x.wav", "a FIFO"), ("sub.wav", "a folder"), ("/dev/zero", "a character device")])
    func aPromptThatIsNotARegularFile(prompt: String, described: String) throws {
        _ = try fifo("x.wav")
        try FileManager.default.createDirectory(atPath: folder + "/sub.wav", withIntermediateDirectories: false)
        let routine = folder + "/r.yaml"
        try "name: Odd\nposes:\n  - id: odd\n    name: Odd\n    prompt: \(prompt)\n".write(toFile: routine, atomically: true, encoding: .utf8)
        let plan = try Program.run(["plan", routine], environment: quiet, timeout: Self.deadline)
        #expect(plan.status == 2)
        expectOneLine(
            plan.error, startingWith: routine + ":5:13: ",
            containing: "prompt file '\(prompt)' is \(described), not a regular file")
    }

    @Test func aSoundFileToMeasureThatIsAFIFO() throws {
        let sound = try fifo("x.wav")
        let loudness = try Program.run(["loudness", sound], environment: quiet, timeout: Self.deadline)
        #expect(loudness.status != 0)
        expectOneLine(loudness.error, startingWith: "", containing: sound + ": not a readable sound file (a FIFO, not a regular file)")
    }

    @Test func aConfigFileThatIsAFIFO() throws {
        let config = try fifo("config.yaml")
        let show = try Program.run(["config", "show", "--config", config], environment: quiet, timeout: Self.deadline)
        #expect(show.status != 0)
        expectOneLine(show.error, startingWith: "", containing: config + ": ")
        #expect(show.error.contains("a FIFO, not a regular file"), "\(show.error)")
    }

    @Test func aHistoryThatIsAFIFO() throws {
        let history = try fifo("stretchcue/history.jsonl")
        let result = try Program.run(["history"], environment: quiet.merging(["XDG_STATE_HOME": folder]) { $1 }, timeout: Self.deadline)
        #expect(result.status != 0)
        expectOneLine(result.error, startingWith: "", containing: history + ": cannot read the history: a FIFO, not a regular file")
    }

    /// `play --resume` with a FIFO as its saved place warns and starts from
    /// the beginning (here on a card that is not there, which ends it).
    @Test func aSavedPlaceThatIsAFIFO() throws {
        let place = try fifo("stretchcue/place.yaml")
        let play = try Program.run(
            ["play", "--resume", "--hold", "1", "-D", "hw:CARD=NoSuchCard"],
            environment: quiet.merging(["XDG_STATE_HOME": folder]) { $1 }, timeout: Self.deadline)
        #expect(play.status == 3, "\(play.error)")
        #expect(
            play.error.split(separator: "\n").contains { $0.contains(place + ": cannot read the saved place: a FIFO, not a regular file") },
            "\(play.error)")
    }

    /// Makes a FIFO at `name` in the test's folder (and the folders above it); its path.
    private func fifo(_ name: String) throws -> String {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try #require(mkfifo(path, 0o600) == 0, "mkfifo \(path): \(String(cString: strerror(errno)))")
        return path
    }

    private func expectOneLine(
        _ error: String, startingWith prefix: String, containing phrase: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let lines = error.split(separator: "\n")
        #expect(lines.count == 1, "\(error)", sourceLocation: sourceLocation)
        #expect(error.hasPrefix(prefix) && error.contains(phrase), "\(error)", sourceLocation: sourceLocation)
    }
}

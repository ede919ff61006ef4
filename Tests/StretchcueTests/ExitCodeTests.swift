import Foundation
import TestSupport
import Testing

/// The documented exit codes, each from the situation that gives it.
@Suite struct ExitCodeTests {
    @Test func anOutputThatCannotBeWrittenIs1() throws {
        let result = try Program.run(["render", "--hold", "1", "-o", "/nonexistent/folder/session.wav"])
        #expect(result.status == 1, "\(result.error)")
        #expect(result.error.split(separator: "\n").count == 1 && result.error.contains("/nonexistent/folder/session.wav"))
    }

    @Test func aCardThatIsNotThereIs3() throws {
        let result = try Program.run(["play", "--hold", "1", "-D", "hw:CARD=NoSuchCard"])
        #expect(result.status == 3, "\(result.error)")
        #expect(result.error.split(separator: "\n").count == 1 && result.error.contains("stretchcue devices"))
    }

    /// `render` stopped by a signal exits 128 + its number and leaves
    /// neither the file nor its temporary beside it.
    @Test(arguments: [(SIGHUP, Int32(129)), (SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func anInterruptedRenderLeavesNoFile(signal: Int32, code: Int32) throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/session.wav"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.products + "/stretchcue")
        // Nine rounds of the built-in session: far longer to render than it takes to stop it.
        process.arguments = ["render", "--rounds", "9", "-o", target]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Once the render is writing (its temporary file is there), the signal.
        let started = Date()
        while try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty, process.isRunning,
            Date().timeIntervalSince(started) < 30
        {
            usleep(1000)
        }
        #expect(process.isRunning, "the render ended before it could be stopped")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationStatus == code)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }
}

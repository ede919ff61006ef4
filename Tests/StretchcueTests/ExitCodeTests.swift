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

    /// A Snapcast source that is not there, or not a FIFO, is a device that
    /// cannot be opened (3), named with its path; a name of neither form is a
    /// usage error (64) that says what was expected.
    @Test func aSnapcastSourceThatIsNotThereIs3AndAMisspeltOneIs64() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missing = try Program.run(["play", "--hold", "1", "-D", "snapcast:pipe:\(folder)/nofifo"])
        #expect(missing.status == 3, "\(missing.error)")
        #expect(missing.error.split(separator: "\n").count == 1 && missing.error.contains("\(folder)/nofifo"))
        #expect(FileManager.default.createFile(atPath: folder + "/file", contents: Data()))
        let file = try Program.run(["play", "--hold", "1", "-D", "snapcast:pipe:\(folder)/file"])
        #expect(file.status == 3 && file.error.contains("is not a FIFO"), "\(file.error)")
        // Port 1 on the loopback: nothing listens there.
        let refused = try Program.run(["play", "--hold", "1", "--output", "snapcast:tcp:127.0.0.1:1"])
        #expect(refused.status == 3 && refused.error.contains("127.0.0.1:1"), "\(refused.error)")
        let misspelt = try Program.run(["play", "--hold", "1", "-D", "snapcast:tcp:localhost"])
        #expect(misspelt.status == 64, "\(misspelt.error)")
        #expect(misspelt.error.contains("snapcast:pipe:PATH or snapcast:tcp:HOST:PORT"))
    }

    /// `render` stopped by a signal exits 128 + its number and leaves
    /// neither the file nor its temporary beside it.
    @Test(arguments: [(SIGHUP, Int32(129)), (SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func anInterruptedRenderLeavesNoFile(signal: Int32, code: Int32) throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/session.wav"
        let process = try Self.startLongRender(to: target)
        // Once the render is writing (its file, unnamed yet, has frames), the signal.
        let started = Date()
        while Self.bytesBeingWritten(by: process.processIdentifier, in: folder) == 0, process.isRunning,
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

    /// `render` killed outright (SIGKILL, no chance to clean up) leaves no
    /// partial file once the next render of the same target has run; that
    /// render removes the partial files of its target left by processes
    /// that are gone (as a render killed on a file system without unnamed
    /// files leaves), keeps a live process's and another target's, and
    /// writes the whole session.
    @Test func aKilledRenderLeavesNothingAfterTheNextRender() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/session.wav"
        let process = try Self.startLongRender(to: target)
        // Killed once it has written 4 MB, wherever it writes them.
        let deadline = Date().addingTimeInterval(30)
        while Self.bytesBeingWritten(by: process.processIdentifier, in: folder) < 4 << 20, process.isRunning, Date() < deadline {
            usleep(1000)
        }
        #expect(process.isRunning, "the render ended (or wrote nothing) before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty, "the killed render left a named file")
        let gone = process.processIdentifier
        let planted = [
            "session.wav.partial-\(gone)", "session.wav.partial-\(getpid())", "other.wav.partial-\(gone)",
        ]
        for name in planted { #expect(FileManager.default.createFile(atPath: folder + "/" + name, contents: Data("junk".utf8))) }

        let render = try Program.run(["render", "--hold", "1", "-o", target])
        #expect(render.status == 0, "\(render.error)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
                == ["other.wav.partial-\(gone)", "session.wav", "session.wav.partial-\(getpid())"])
        let plan = try Program.run(["plan", "--hold", "1", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any])
        let wav = try WAV(path: target)
        #expect(wav.frames == json["frames"] as? Int)
    }

    /// Starts rendering nine rounds of the built-in session to `target`:
    /// far longer to render than it takes to stop it.
    static func startLongRender(to target: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.products + "/stretchcue")
        process.arguments = ["render", "--rounds", "9", "-o", target]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The bytes of the largest file in `folder` that process `pid` has
    /// open, named or not (an unnamed file shows in /proc as `FOLDER/#N (deleted)`).
    static func bytesBeingWritten(by pid: Int32, in folder: String) -> Int64 {
        let descriptors = "/proc/\(pid)/fd"
        var largest: Int64 = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: descriptors)) ?? [] {
            let link = descriptors + "/" + name
            guard let opened = try? FileManager.default.destinationOfSymbolicLink(atPath: link), opened.hasPrefix(folder + "/") else {
                continue
            }
            var info = stat()
            if stat(link, &info) == 0 { largest = max(largest, Int64(info.st_size)) }
        }
        return largest
    }
}

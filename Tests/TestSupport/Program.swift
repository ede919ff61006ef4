import Foundation

/// The `stretchcue` program as built for the tests, run as a user would run it.
public struct Program {
    /// What a run printed and how it ended.
    public struct Result {
        public var status: Int32
        public var output: String
        public var error: String
    }

    /// Where the programs the tests run keep their saved place and history
    /// (`XDG_STATE_HOME`), unless a test names another: not the user's own.
    public static let stateHome = Repository.temporaryFolder("stretchcue-state")

    /// A run that had not ended by its deadline, and was killed.
    public struct TimedOut: Error, CustomStringConvertible {
        public var arguments: [String]
        public var seconds: Double
        public var description: String { "stretchcue \(arguments.joined(separator: " ")) still ran after \(seconds) s" }
    }

    /// Runs `stretchcue` with `arguments` and waits for it to end. Its output
    /// goes to files, so a long plan cannot fill a pipe and block it; its
    /// standard input is `input`, or empty. With `timeout` (seconds), a run
    /// still going by then is killed and `TimedOut` thrown: a hang fails.
    /// It runs in `directory`, or in the tests' own.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], input: String = "", timeout: Double? = nil,
        directory: String? = nil
    ) throws -> Result {
        let folder = Repository.temporaryFolder("stretchcue-run")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = FileManager.default.createFile(atPath: folder + "/out", contents: nil)
        _ = FileManager.default.createFile(atPath: folder + "/err", contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/out"))
        let error = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/err"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.products + "/stretchcue")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.environment = ProcessInfo.processInfo.environment.merging(["XDG_STATE_HOME": stateHome]) { $1 }
            .merging(environment) { $1 }
        process.standardOutput = output
        process.standardError = error
        try input.write(toFile: folder + "/in", atomically: true, encoding: .utf8)
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: folder + "/in"))
        try process.run()
        if let timeout {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(1000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw TimedOut(arguments: arguments, seconds: timeout)
            }
        }
        process.waitUntilExit()
        try output.close()
        try error.close()
        return Result(
            status: process.terminationStatus,
            output: try String(contentsOfFile: folder + "/out", encoding: .utf8),
            error: try String(contentsOfFile: folder + "/err", encoding: .utf8))
    }
}

import ArgumentParser
import Glibc

@main
struct Stretchcue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stretchcue",
        abstract: "Plays audio-guided stretching sessions: spoken prompts, chimes and breathing tones.",
        discussion: """
            Exit codes: 0 done; 1 the output could not be written; 2 a routine, sound file or pack \
            is invalid; 64 the command line is wrong.
            """,
        version: "0.1.0",
        subcommands: [Plan.self, Render.self])

    /// Runs the command; a failure is one line on standard error and a documented exit code.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as Failure {
            FileHandleOutput.standardError.write("\(failure.line)\n")
            Glibc.exit(failure.exitCode.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}

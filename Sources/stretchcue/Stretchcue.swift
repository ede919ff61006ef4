import ArgumentParser
import CMalloc
import Glibc
import Routines
import SystemCalls

@main
struct Stretchcue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stretchcue",
        abstract: "Plays audio-guided stretching sessions: spoken prompts, chimes and breathing tones.",
        discussion: """
            Exit codes: 0 done (also when stopped by SIGTERM); 1 the output could not be written; 2 a \
            routine, sound file, pack or config is invalid; 3 no audio device could be opened, or a lost one did \
            not come back in time; 4 the box refused a `ctl` request; 5 no box answers on the control socket; \
            6 the remote could not listen on its address; \
            64 the command line is wrong; 129, 130, 143 stopped by SIGHUP, SIGINT (Ctrl-C) or (render only) \
            SIGTERM.
            """,
        version: "0.1.0",
        subcommands: [
            Play.self, Plan.self, Render.self, Devices.self, Loudness.self, Packs.self, Serve.self, Ctl.self, RemoteCommand.self, Config.self,
            HistoryCommand.self,
        ],
        defaultSubcommand: Play.self)

    /// Runs the command; a failure is one line on standard error and a documented exit code.
    static func main() {
        // Sounds are large, made and dropped all session long: give each its
        // own mapping, returned whole when dropped, so the heap does not
        // fragment and a long session needs no more memory than a short one.
        // The few threads share one heap rather than each growing its own.
        _ = stretchcue_set_malloc_policy(128 * 1024)
        // A closed pipe (`stretchcue play --plain | head`) is a failed write, not a kill
        // that would leave the terminal in raw mode.
        Signals.ignore(SIGPIPE)
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // Help and version print in full; a usage error is one line.
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }
            TextOutput.standardError.write("stretchcue: \(message(for: error).escapingControlCharacters)\n")
            Glibc.exit(code.rawValue)
        }
        do {
            try command.run()
        } catch let failure as Failure {
            // One line, whatever text the failure carries.
            if !failure.line.isEmpty {
                TextOutput.standardError.write("\(failure.line.escapingControlCharacters)\n")
            }
            Glibc.exit(failure.exitCode.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}

import ArgumentParser
import Configuration
import Routines
import SystemCalls

extension Stretchcue {
    /// `stretchcue config`: the settings a box (or `play`) runs with.
    struct Config: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the effective settings, or check a config file.",
            subcommands: [Show.self, Check.self], defaultSubcommand: Show.self)

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print every setting with where it came from (default, FILE:LINE, command line).")

            @OptionGroup var config: ConfigFlags

            @Flag(help: "Print the settings as JSON: by config key, {value, from}.")
            var json = false

            func run() throws {
                let settings = try config.settings()
                if json { return TextOutput.standardOutput.line(settings.json.text) }
                TextOutput.standardOutput.write(settings.lines.joined(separator: "\n") + "\n")
            }
        }

        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check a config file: exit 0 when it is sound, else its first problem as one FILE:LINE:COLUMN line and exit 2.")

            @Argument(help: "The config file (YAML).")
            var file: String

            func run() throws {
                var settings = Settings()
                do {
                    try settings.load(configFile: file)
                    _ = try settings.socketGroupID()
                } catch {
                    throw Failure(error)
                }
                TextOutput.standardOutput.line("\(file): fine")
            }
        }
    }
}

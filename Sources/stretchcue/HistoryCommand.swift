import ArgumentParser
import Configuration
import Glibc
import Routines
import SystemCalls
import Timing

extension Stretchcue {
    /// `stretchcue history`: the sessions played.
    struct HistoryCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "List the sessions played, newest last: when, how long, the routine, poses completed and skipped.")

        @Flag(help: "Print the history file's JSON lines as they are.")
        var json = false

        @Flag(help: "The box's history: the service's state folder (its config's state_folder, else /var/lib/stretchcue).")
        var box = false

        @Option(help: ArgumentHelp("A config file whose state_folder holds the history, instead of the first found.", valueName: "file"))
        var config: String?

        func run() throws {
            // The box's settings are those the service reads: its config in
            // /etc, its state folder systemd's StateDirectory.
            let settings =
                box
                ? try ConfigFlags.settings(file: config, environment: ["STATE_DIRECTORY": Self.boxStateFolder])
                : try ConfigFlags.settings(file: config)
            let (entries, unreadable) = try reportingFailures { try History.load(from: settings.historyPath) }
            if !unreadable.isEmpty {
                TextOutput.standardError.line(
                    "stretchcue: \(settings.historyPath): skipped unreadable line(s) \(unreadable.map(String.init).joined(separator: ", "))")
            }
            if json {
                for entry in entries { TextOutput.standardOutput.line(entry.json.text) }
                return
            }
            guard !entries.isEmpty else {
                TextOutput.standardOutput.line("No sessions yet (\(settings.historyPath)).")
                if !box, Files.exists(Self.boxStateFolder + "/history.jsonl") {
                    TextOutput.standardOutput.line("The box's sessions: stretchcue history --box")
                }
                return
            }
            // The local time zone, as TZ names it.
            tzset()
            TextOutput.standardOutput.line(Self.header)
            for entry in entries { TextOutput.standardOutput.line(Self.line(entry)) }
        }

        /// Where the service keeps its state (its unit's `StateDirectory=`).
        static let boxStateFolder = "/var/lib/stretchcue"

        /// The header of `line`'s columns.
        static let header = "started           length  routine                          poses  skipped  ended"

        /// One session as a row: when, how long, the routine, poses completed and skipped, how it ended.
        static func line(_ entry: HistoryEntry) -> String {
            let name = entry.routine.escapingControlCharacters
            let routine = name.count > 32 ? String(name.prefix(31)) + "…" : name
            let columns = [
                History.date(entry.start).padding(17), Timeline.clock(seconds: Int(entry.end - entry.start)).padding(7),
                routine.padding(32), "\(entry.completed.count)".padding(6), "\(entry.skipped.count)".padding(8),
                entry.stopped ? "stopped" : "finished",
            ]
            return columns.joined(separator: " ")
        }
    }
}

extension String {
    /// The text padded with spaces to `width` characters.
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

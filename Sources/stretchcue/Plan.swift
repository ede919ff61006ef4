import ArgumentParser
import SystemCalls
import Timing

extension Stretchcue {
    /// `stretchcue plan`: prints the timeline of a session without playing it.
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the timeline of a session: every cue with its time, round, pose and side.")

        @OptionGroup var session: SessionFlags

        @Flag(help: "Print the timeline as JSON.")
        var json = false

        @Flag(help: "Print the routine itself as a routine file (YAML) instead of its timeline.")
        var export = false

        func run() throws {
            let settings = try session.settings()
            if export {
                let routine = try reportingFailures { try Session.routine(named: session.routine(settings)) }
                TextOutput.standardOutput.write(routine.yaml)
                return
            }
            let prepared = try reportingFailures { try Session(session, settings) }
            let timeline = prepared.timeline
            TextOutput.standardOutput.write(
                json ? timeline.planJSON : timeline.planText(title: prepared.routine.name))
        }
    }
}

import ArgumentParser
import Routines
import Timing

/// The routine and the options that shape its session: the same on `plan`,
/// `render` and `play`.
struct SessionFlags: ParsableArguments {
    @Argument(help: "A built-in routine name or a routine file (YAML).")
    var routine = "back-tension"

    @Option(help: "Rounds of the routine (1-9), instead of the routine's own.")
    var rounds: Int?

    @Option(help: ArgumentHelp("Seconds of every hold, instead of the routine's.", valueName: "seconds"))
    var hold: Double?

    @Option(help: "Speed of holds, breaths and pauses, never speech: 2 is twice as fast (0.25-4).")
    var pace: Double = 1

    @Option(help: ArgumentHelp("Breathing pattern in seconds, IN:OUT or IN:HOLD:OUT:HOLD.", valueName: "pattern"))
    var breath: String?

    @Option(help: ArgumentHelp("Sample rate of the session in Hz.", valueName: "hz"))
    var rate = 48_000

    @Flag(help: "Ring a soft chime half way through every hold.")
    var halfway = false

    @Option(help: ArgumentHelp("Tick each of the last N seconds of every hold (0-30).", valueName: "n"))
    var countdown = 0

    @Option(help: ArgumentHelp("A voice pack folder to take spoken prompts from.", valueName: "folder"))
    var voice: String?

    @Option(help: ArgumentHelp("A chime pack folder whose KIND.wav files replace the built-in chimes.", valueName: "folder"))
    var chimes: String?

    @Option(
        name: .customLong("pack"),
        help: ArgumentHelp(
            "A sound pack, by name (see `stretchcue packs list`) or folder; repeatable: the first that has a sound wins.",
            valueName: "name|folder"))
    var packs: [String] = []

    func validate() throws {
        if let rounds, !RoutineLimits.rounds.contains(rounds) {
            throw ValidationError("--rounds \(rounds) is out of range; expected 1 to 9")
        }
        if let hold, !RoutineLimits.hold.contains(hold) {
            throw ValidationError("--hold \(hold.formatted) is out of range; expected 1 to 1800 seconds")
        }
        guard RoutineLimits.pace.contains(pace) else {
            throw ValidationError("--pace \(pace.formatted) is out of range; expected 0.25 to 4")
        }
        if let breath {
            guard let pattern = BreathPattern(parsing: breath) else {
                throw ValidationError("--breath '\(breath)' is not IN:OUT or IN:HOLD:OUT:HOLD in seconds, like 4:6")
            }
            if let problem = pattern.problem { throw ValidationError("--breath \(breath): \(problem)") }
        }
        guard SessionOptions.sampleRates.contains(rate) else {
            throw ValidationError("--rate \(rate) is out of range; expected 8000 to 192000 Hz")
        }
        guard SessionOptions.countdownSeconds.contains(countdown) else {
            throw ValidationError("--countdown \(countdown) is out of range; expected 0 to 30 seconds")
        }
    }

    /// The options for the timing engine.
    var options: SessionOptions {
        SessionOptions(
            sampleRate: rate, rounds: rounds, hold: hold, pace: pace, breathing: breath.flatMap(BreathPattern.init),
            halfwayChime: halfway, countdown: countdown)
    }
}

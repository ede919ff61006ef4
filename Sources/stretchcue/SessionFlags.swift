import ArgumentParser
import Configuration
import Routines
import SystemCalls
import Timing

/// The routine and the options that shape its session: the same on `plan`,
/// `render` and `play`. What is not given here comes from the config file
/// (`settings`), else the defaults.
struct SessionFlags: ParsableArguments {
    @Argument(help: ArgumentHelp("A built-in routine name or a routine file (YAML); default: the config's, else back-tension.", valueName: "routine"),
        completion: Completions.routine)
    var routineArgument: String?

    @Option(help: ArgumentHelp("A config file, instead of the first found of \(Settings.configFiles().joined(separator: ", ")).", valueName: "file"))
    var config: String?

    @Option(help: "Rounds of the routine (1-9), instead of the routine's own.")
    var rounds: Int?

    @Option(help: ArgumentHelp("Seconds of every hold, instead of the routine's.", valueName: "seconds"))
    var hold: Double?

    @Option(help: ArgumentHelp(
        "Fit the session into this long (15m, 45m, 1h30m): the rounds and holds are chosen for it, and said.",
        valueName: "length"))
    var length: String?

    @Option(help: "Speed of holds, breaths and pauses, never speech: 2 is twice as fast (0.25-4).")
    var pace: Double?

    @Option(help: ArgumentHelp("Breathing pattern in seconds, IN:OUT or IN:HOLD:OUT:HOLD.", valueName: "pattern"))
    var breath: String?

    @Option(help: ArgumentHelp("Sample rate of the session in Hz.", valueName: "hz"))
    var rate = 48_000

    @Flag(inversion: .prefixedNo, help: "Ring a soft chime half way through every hold (or not).")
    var halfway: Bool?

    @Option(help: ArgumentHelp("Tick each of the last N seconds of every hold (0-30).", valueName: "n"))
    var countdown: Int?

    @Option(help: ArgumentHelp("A voice pack folder to take spoken prompts from.", valueName: "folder"))
    var voice: String?

    @Option(help: ArgumentHelp("A chime pack folder whose KIND.wav files replace the built-in chimes.", valueName: "folder"))
    var chimes: String?

    @Option(
        name: .customLong("pack"),
        help: ArgumentHelp(
            "A sound pack, by name (see `stretchcue packs list`) or folder; repeatable: the first that has a sound wins.",
            valueName: "name|folder"),
        completion: Completions.pack)
    var packs: [String] = []

    func validate() throws {
        if let rounds, !RoutineLimits.rounds.contains(rounds) {
            throw ValidationError("--rounds \(rounds) is out of range; expected 1 to 9")
        }
        if let hold, !RoutineLimits.hold.contains(hold) {
            throw ValidationError("--hold \(hold.formatted) is out of range; expected 1 to 1800 seconds")
        }
        if let length {
            guard let seconds = LengthFit.seconds(parsing: length) else {
                throw ValidationError("--length '\(length)' is not a length; expected one like 15m, 90s or 1h30m")
            }
            guard LengthFit.seconds.contains(seconds) else {
                throw ValidationError("--length \(length) is out of range; expected 1 minute to 24 hours")
            }
            if hold != nil { throw ValidationError("--length chooses the holds; expected --length or --hold, not both") }
        }
        if let pace, !RoutineLimits.pace.contains(pace) {
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
        if let countdown, !SessionOptions.countdownSeconds.contains(countdown) {
            throw ValidationError("--countdown \(countdown) is out of range; expected 0 to 30 seconds")
        }
    }

    /// The settings: the config file's (the one named, else the first
    /// found) over the defaults; a broken config is one line and exit 2.
    func settings() throws(Failure) -> Settings {
        try ConfigFlags.settings(file: config)
    }

    /// The length to fit the session into, in seconds: this flag's, else
    /// the config's unless a hold is given here.
    func length(_ settings: Settings) -> Double? {
        length.flatMap(LengthFit.seconds(parsing:)) ?? (hold == nil ? settings.length : nil)
    }

    /// The routine: the one named, else the config's.
    func routine(_ settings: Settings) -> String { routineArgument ?? settings.routine }

    /// The options for the timing engine: these flags over the config's.
    func options(_ settings: Settings) -> SessionOptions {
        let base = settings.options
        return SessionOptions(
            sampleRate: rate, rounds: rounds ?? base.rounds, hold: hold ?? base.hold, pace: pace ?? base.pace,
            breathing: breath.flatMap(BreathPattern.init) ?? base.breathing, halfwayChime: halfway ?? base.halfwayChime,
            countdown: countdown ?? base.countdown)
    }
}

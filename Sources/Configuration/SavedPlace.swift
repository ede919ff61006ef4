import Routines
import SystemCalls
import Timing

/// Where a session was, saved at every step so it can go on after a power
/// cut or a crash: the routine and the options that lay it out, and the
/// step it had reached. Written whole or not at all (`Files.replace`), as
/// a small YAML file.
public struct SavedPlace: Equatable, Sendable {
    /// The routine as it was asked for: a built-in name or a file's path.
    public var routine: String
    public var options: SessionOptions
    /// The step reached (from 0), and what it is, to check it against the
    /// routine when going on: a routine changed since is not resumed.
    public var step: Int
    public var round: Int
    public var pose: String
    public var side: Side?

    public init(routine: String, options: SessionOptions, step: Int, round: Int, pose: String, side: Side?) {
        self.routine = routine
        self.options = options
        self.step = step
        self.round = round
        self.pose = pose
        self.side = side
    }

    /// The place of `step` on `timeline`.
    public init(routine: String, options: SessionOptions, timeline: Timeline, step: Int) {
        let info = timeline.steps[step]
        self.init(routine: routine, options: options, step: step, round: info.round, pose: info.pose, side: info.side)
    }

    /// The file's text.
    public var yaml: String {
        var lines = ["# Where a Stretchcue session was; written by stretchcue, read by --resume."]
        lines.append("routine: \(JSON.string(routine).text)")
        if let rounds = options.rounds { lines.append("rounds: \(rounds)") }
        if let hold = options.hold { lines.append("hold: \(hold.formatted)") }
        lines.append("pace: \(options.pace.formatted)")
        if let breathing = options.breathing { lines.append("breathing: \"\(breathing)\"") }
        lines.append("halfway: \(options.halfwayChime)")
        lines.append("countdown: \(options.countdown)")
        lines.append("step: \(step)")
        lines.append("round: \(round)")
        lines.append("pose: \(JSON.string(pose).text)")
        if let side { lines.append("side: \(side.rawValue)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Saves the place at `path`, replacing the last one whole.
    public func save(to path: String) throws(SystemError) {
        try Files.replace(path, with: Array(yaml.utf8), mode: 0o600)
    }

    /// The place saved at `path`; throws what makes it unusable (missing,
    /// torn, not a saved place), naming the file and the line.
    public static func load(from path: String) throws(InputError) -> SavedPlace {
        guard let root = try YAMLFile.read(path, limit: 64 * 1024, name: "the saved place", expected: "a saved place")
        else { throw InputError(file: path, message: "is empty; expected a saved place") }
        return try Reader(file: path).place(root)
    }

    private struct Reader: YAMLReading {
        let file: String

        func place(_ node: YAMLNode) throws(InputError) -> SavedPlace {
            let fields = try mapping(
                node, what: "a saved place",
                keys: ["routine", "rounds", "hold", "pace", "breathing", "halfway", "countdown", "step", "round", "pose", "side"])
            var options = SessionOptions()
            if let value = fields["rounds"] { options.rounds = try integer(value, in: RoutineLimits.rounds, what: "rounds") }
            if let value = fields["hold"] { options.hold = try seconds(value, in: RoutineLimits.hold, what: "hold") }
            if let value = fields["pace"] { options.pace = try number(value, in: RoutineLimits.pace, what: "pace") }
            if let value = fields["breathing"] {
                guard let pattern = value.text.flatMap(BreathPattern.init(parsing:)), pattern.problem == nil else {
                    throw error(at: value, "breathing must be like \"4:6\"; found \(value.described)")
                }
                options.breathing = pattern
            }
            if let value = fields["halfway"] { options.halfwayChime = try flag(value, what: "halfway") }
            if let value = fields["countdown"] {
                options.countdown = try integer(value, in: SessionOptions.countdownSeconds, what: "countdown")
            }
            var side: Side?
            if let value = fields["side"] {
                guard let named = value.text.flatMap(Side.init(rawValue:)) else {
                    throw error(at: value, "side must be left, right or both; found \(value.described)")
                }
                side = named
            }
            return SavedPlace(
                routine: try text(fields.required("routine", in: "a saved place")), options: options,
                step: try integer(fields.required("step", in: "a saved place"), in: 0...100_000, what: "step"),
                round: try integer(fields.required("round", in: "a saved place"), in: RoutineLimits.rounds, what: "round"),
                pose: try text(fields.required("pose", in: "a saved place")), side: side)
        }
    }

    /// The frame to go on from on `timeline`: the start of the saved step,
    /// so its pose is announced again; `nil` when the timeline has no such
    /// step (the routine changed since).
    public func frame(on timeline: Timeline) -> Int64? {
        guard step < timeline.steps.count else { return nil }
        let info = timeline.steps[step]
        guard info.pose == pose, info.side == side, info.round == round else { return nil }
        return info.start
    }
}

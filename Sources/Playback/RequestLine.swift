import Routines
import Timing

/// The lines a client sends on the control socket, read and written.
///
/// The protocol is plain text in, JSON out: a request is a command and its
/// arguments on one line (`pause`, `volume -2`, `start back-tension
/// --resume`), so a shell reaches the box with `echo pause | nc -U SOCKET`;
/// every reply and event is one JSON object on one line, for programs. The
/// daemon thus never parses JSON from strangers. The config's keymap names
/// requests the same way.
extension Request {
    /// The longest line a client may send, its line break included.
    public static let longestLine = 4096

    /// The commands, for help and errors.
    public static let commands = [
        "start [ROUTINE] [--resume] [--length L] [--rounds N] [--hold S] [--pace P] [--breathing IN:OUT]", "pause", "resume", "toggle", "next", "back", "longer", "shorter", "faster",
        "slower", "volume +N|-N", "breath", "where", "stop", "status", "watch", "history",
    ]

    /// Reads one line (without its line break).
    public init(line: String) throws(ControlError) {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let command = words.first else { throw ControlError("an empty line; expected a command") }
        let arguments = Array(words.dropFirst())
        func none(_ request: Request) throws(ControlError) -> Request {
            guard arguments.isEmpty else { throw ControlError("`\(command)` takes no arguments") }
            return request
        }
        switch command.lowercased() {
        case "start":
            self = try Self.start(arguments)
        case "pause": self = try none(.pause)
        case "resume": self = try none(.resume)
        case "toggle": self = try none(.toggle)
        case "next": self = try none(.edit(.next))
        case "back": self = try none(.edit(.back))
        case "longer": self = try none(.edit(.lengthen))
        case "shorter": self = try none(.edit(.shorten))
        case "faster": self = try none(.edit(.faster))
        case "slower": self = try none(.edit(.slower))
        case "breath": self = try none(.toggleBreath)
        case "where": self = try none(.whereAmI)
        case "stop": self = try none(.stop)
        case "status": self = try none(.status)
        case "watch": self = try none(.watch)
        case "history": self = try none(.history)
        case "volume":
            guard arguments.count == 1, let first = arguments[0].first, first == "+" || first == "-",
                let decibels = Int(arguments[0].dropFirst().description).map({ first == "-" ? -$0 : $0 }),
                (-40...40).contains(decibels)
            else { throw ControlError("`volume` takes a change in dB, like +2 or -4 (at most 40)") }
            self = .volume(decibels)
        default:
            let shown = String(command.prefix(40)).escapingControlCharacters
            throw ControlError("unknown command '\(shown)'; expected one of: \(Self.commands.joined(separator: ", "))")
        }
    }

    /// `start`'s arguments: a routine, `--resume`, `--length L` (`15m`,
    /// `1h30m`, within `LengthFit.seconds`), and the options `play` takes
    /// (`--rounds`, `--hold`, `--pace`, `--breathing`, within
    /// `RoutineLimits`), in any order.
    private static func start(_ arguments: [String]) throws(ControlError) -> Request {
        let expected = "expected start [ROUTINE] [--resume] [--length L] [--rounds N] [--hold S] [--pace P] [--breathing IN:OUT]"
        var (routine, resume, length): (String?, Bool, Double?) = (nil, false, nil)
        var choices = StartChoices()
        var rest = arguments[...]
        func number(_ flag: String, in range: ClosedRange<Double>) throws(ControlError) -> Double {
            guard let value = rest.popFirst().flatMap(Double.init), value.isFinite, range.contains(value) else {
                throw ControlError("\(flag) takes a number from \(range.lowerBound.formatted) to \(range.upperBound.formatted); \(expected)")
            }
            return value
        }
        while let word = rest.popFirst() {
            switch word {
            case "--resume": resume = true
            case "--length":
                guard let text = rest.popFirst(), let seconds = LengthFit.seconds(parsing: text),
                    LengthFit.seconds.contains(seconds)
                else {
                    throw ControlError("--length takes a length of 1m to 24h, as 15m or 1h30m; \(expected)")
                }
                length = seconds
            case "--rounds":
                let limits = RoutineLimits.rounds
                guard let rounds = rest.popFirst().flatMap({ Int($0) }), limits.contains(rounds) else {
                    throw ControlError("--rounds takes a whole number from \(limits.lowerBound) to \(limits.upperBound); \(expected)")
                }
                choices.rounds = rounds
            case "--hold": choices.hold = try number("--hold", in: RoutineLimits.hold)
            case "--pace": choices.pace = try number("--pace", in: RoutineLimits.pace)
            case "--breathing":
                guard let text = rest.popFirst(), let pattern = BreathPattern(parsing: text) else {
                    throw ControlError("--breathing takes IN:OUT or IN:HOLD:OUT:HOLD in seconds, like 4:6; \(expected)")
                }
                if let problem = pattern.problem { throw ControlError("--breathing \(text): \(problem)") }
                choices.breathing = pattern
            default:
                guard routine == nil, !word.hasPrefix("-") else { throw ControlError("`start` takes one routine; \(expected)") }
                routine = word
            }
        }
        if resume, length != nil { throw ControlError("--resume goes on as the saved session was; it takes no --length") }
        if resume, !choices.isEmpty {
            throw ControlError("--resume goes on as the saved session was; it takes no --rounds, --hold, --pace or --breathing")
        }
        return .start(routine: routine, resume: resume, length: length, choices: choices)
    }

    private static func startLine(routine: String?, resume: Bool, length: Double?, choices: StartChoices) -> String {
        var words = ["start"]
        if let routine { words.append(routine) }
        if resume { words.append("--resume") }
        if let length { words += ["--length", "\(Int(length.rounded()))s"] }
        if let rounds = choices.rounds { words += ["--rounds", "\(rounds)"] }
        if let hold = choices.hold { words += ["--hold", hold.formatted] }
        if let pace = choices.pace { words += ["--pace", pace.formatted] }
        if let breathing = choices.breathing { words += ["--breathing", "\(breathing)"] }
        return words.joined(separator: " ")
    }

    /// The request as a line of the protocol; `nil` for those no line asks
    /// for (the terminal's: the help screen's chime, a key that means nothing).
    public var line: String? {
        switch self {
        case .start(let routine, let resume, let length, let choices):
            Self.startLine(routine: routine, resume: resume, length: length, choices: choices)
        case .pause: "pause"
        case .resume: "resume"
        case .toggle: "toggle"
        case .edit(.next): "next"
        case .edit(.back): "back"
        case .edit(.lengthen): "longer"
        case .edit(.shorten): "shorter"
        case .edit(.faster): "faster"
        case .edit(.slower): "slower"
        case .volume(let decibels): "volume \(decibels >= 0 ? "+" : "")\(decibels)"
        case .toggleBreath: "breath"
        case .whereAmI: "where"
        case .stop: "stop"
        case .status: "status"
        case .watch: "watch"
        case .history: "history"
        case .acknowledge, .unknown: nil
        }
    }
}

/// A request that cannot be carried out, and why: the reply's `error`.
public struct ControlError: Error, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// One line a client sends on the control socket, read.
///
/// The protocol is plain text in, JSON out: a request is a command and its
/// arguments on one line (`pause`, `volume -2`, `start back-tension
/// --resume`), so a shell reaches the box with `echo pause | nc -U SOCKET`;
/// every reply and event is one JSON object on one line, for programs. The
/// daemon thus never parses JSON from strangers.
public enum ControlRequest: Equatable, Sendable {
    /// Start a session of `routine` (the configured one when `nil`), or
    /// continue the saved one with `resume`.
    case start(routine: String?, resume: Bool)
    case pause
    case resume
    case toggle
    case next
    case back
    case longer
    case shorter
    case faster
    case slower
    /// Change the volume by this many decibels (a multiple of the step, ±40 at most).
    case volume(Int)
    /// Say where the session is, aloud.
    case whereAmI
    case stop
    case status
    /// Every change of status from now on, one event a line, until the client leaves.
    case watch

    /// The longest line a client may send, its line break included.
    public static let longestLine = 4096

    /// The commands, for help and errors.
    public static let commands = [
        "start [ROUTINE] [--resume]", "pause", "resume", "toggle", "next", "back", "longer", "shorter", "faster",
        "slower", "volume +N|-N", "where", "stop", "status", "watch",
    ]

    /// Reads one line (without its line break).
    public init(line: String) throws(ControlError) {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let command = words.first else { throw ControlError("an empty line; expected a command") }
        let arguments = Array(words.dropFirst())
        func none(_ request: ControlRequest) throws(ControlError) -> ControlRequest {
            guard arguments.isEmpty else { throw ControlError("`\(command)` takes no arguments") }
            return request
        }
        switch command.lowercased() {
        case "start":
            let resume = arguments.contains("--resume")
            let rest = arguments.filter { $0 != "--resume" }
            guard rest.count <= 1, !(rest.first?.hasPrefix("-") ?? false) else {
                throw ControlError("`start` takes one routine and --resume; expected start [ROUTINE] [--resume]")
            }
            self = .start(routine: rest.first, resume: resume)
        case "pause": self = try none(.pause)
        case "resume": self = try none(.resume)
        case "toggle": self = try none(.toggle)
        case "next": self = try none(.next)
        case "back": self = try none(.back)
        case "longer": self = try none(.longer)
        case "shorter": self = try none(.shorter)
        case "faster": self = try none(.faster)
        case "slower": self = try none(.slower)
        case "where": self = try none(.whereAmI)
        case "stop": self = try none(.stop)
        case "status": self = try none(.status)
        case "watch": self = try none(.watch)
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
}

/// A request that cannot be carried out, and why: the reply's `error`.
public struct ControlError: Error, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

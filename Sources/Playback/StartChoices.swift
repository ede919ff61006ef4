import Routines
import Timing

/// What a `start` request may choose over the configured session options:
/// rounds, a hold for every pose, the pace, the breathing pattern; `nil`
/// keeps the configured one.
public struct StartChoices: Equatable, Sendable {
    public var rounds: Int?
    public var hold: Double?
    public var pace: Double?
    public var breathing: BreathPattern?

    public init(rounds: Int? = nil, hold: Double? = nil, pace: Double? = nil, breathing: BreathPattern? = nil) {
        self.rounds = rounds
        self.hold = hold
        self.pace = pace
        self.breathing = breathing
    }

    /// Whether nothing is chosen.
    public var isEmpty: Bool { self == StartChoices() }

    /// `options` with these choices over them.
    public func applied(to options: SessionOptions) -> SessionOptions {
        var options = options
        if let rounds { options.rounds = rounds }
        if let hold { options.hold = hold }
        if let pace { options.pace = pace }
        if let breathing { options.breathing = breathing }
        return options
    }
}

import Routines

/// Choices that shape a session without changing its routine: the same flags
/// on `plan`, `render` and `play`.
public struct SessionOptions: Equatable, Sendable {
    /// Frames per second of the session clock.
    public var sampleRate: Int
    /// Rounds, instead of the routine's own.
    public var rounds: Int?
    /// A hold in seconds for every held pose, instead of the routine's holds.
    public var hold: Double?
    /// Speed of holds, breaths and pauses (never speech): 2 is twice as fast.
    public var pace: Double
    /// A breathing pattern for every pose, instead of the routine's.
    public var breathing: BreathPattern?
    /// Ring a chime half way through every hold.
    public var halfwayChime: Bool
    /// Tick each of the last this many seconds of every hold; 0 for none.
    public var countdown: Int

    public init(
        sampleRate: Int = 48_000, rounds: Int? = nil, hold: Double? = nil, pace: Double = 1,
        breathing: BreathPattern? = nil, halfwayChime: Bool = false, countdown: Int = 0
    ) {
        self.sampleRate = sampleRate
        self.rounds = rounds
        self.hold = hold
        self.pace = pace
        self.breathing = breathing
        self.halfwayChime = halfwayChime
        self.countdown = countdown
    }

    /// Sample rates a session may run at.
    public static let sampleRates = 8_000...192_000
    /// Seconds of countdown ticks a hold may have.
    public static let countdownSeconds = 0...30
}

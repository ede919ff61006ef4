/// One breath: inhale, a pause with full lungs, exhale, a pause with empty lungs.
/// All in seconds.
public struct BreathPattern: Equatable, Sendable, CustomStringConvertible {
    public var inhale: Double
    public var holdIn: Double
    public var exhale: Double
    public var holdOut: Double

    public init(inhale: Double, holdIn: Double = 0, exhale: Double, holdOut: Double = 0) {
        self.inhale = inhale
        self.holdIn = holdIn
        self.exhale = exhale
        self.holdOut = holdOut
    }

    /// Slow belly breathing: in for 4 s, out for 6 s.
    public static let deepBelly = BreathPattern(inhale: 4, exhale: 6)

    /// Parses `IN:OUT` or `IN:HOLD:OUT:HOLD` (seconds), the form of `--breath`
    /// and of routine files. Returns `nil` for any other text; ranges are
    /// checked by `BreathPattern.problem`.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map {
            Double($0.filter { $0 != " " })
        }
        guard parts.allSatisfy({ $0 != nil }) else { return nil }
        let seconds = parts.map { $0! }
        switch seconds.count {
        case 2: self.init(inhale: seconds[0], exhale: seconds[1])
        case 4: self.init(inhale: seconds[0], holdIn: seconds[1], exhale: seconds[2], holdOut: seconds[3])
        default: return nil
        }
    }

    /// What is wrong with the pattern's values, or `nil` when they are usable.
    public var problem: String? {
        let breathing = RoutineLimits.breathPhase
        let holding = RoutineLimits.breathHold
        if !breathing.contains(inhale) || !breathing.contains(exhale) {
            return "inhale and exhale must each last \(breathing.lowerBound.formatted)"
                + " to \(breathing.upperBound.formatted) seconds"
        }
        if !holding.contains(holdIn) || !holding.contains(holdOut) {
            return "breath holds must last 0 to \(holding.upperBound.formatted) seconds"
        }
        return nil
    }

    /// The `IN:OUT` or `IN:HOLD:OUT:HOLD` text of this pattern.
    public var description: String {
        if holdIn == 0 && holdOut == 0 { return "\(inhale.formatted):\(exhale.formatted)" }
        return "\(inhale.formatted):\(holdIn.formatted):\(exhale.formatted):\(holdOut.formatted)"
    }
}

extension Double {
    /// The shortest text that reads back as this number: `30`, `2.5`.
    public var formatted: String {
        if self == rounded(), abs(self) < 1e15 { return String(Int64(self)) }
        return String(self)
    }
}

import Routines

/// A session fitted into the time a user has (`--length 15m`): the rounds
/// and the hold of every held pose chosen so the session lasts that long.
///
/// Only the rounds and the holds change; speech, breath-paced poses and
/// pauses stay as the routine and the options have them. Of the round
/// counts whose fitting hold is long enough to stretch in, the one whose
/// hold is nearest the routine's own (as a ratio) is chosen, fewer rounds
/// on a tie.
public struct LengthFit: Equatable, Sendable {
    /// The rounds chosen.
    public var rounds: Int
    /// The hold chosen for every held pose, in seconds at the options' pace.
    public var hold: Double
    /// The session's length with them, in frames.
    public var frames: Int64

    /// The lengths `--length` and `length:` may ask for, in seconds.
    public static let seconds = 60.0...RoutineLimits.sessionSeconds
    /// The shortest hold, heard in real seconds, a fitted session gives a
    /// pose: shorter is no stretch.
    public static let shortestHold = 10.0
    /// How close to the length asked a fit must come, in seconds.
    public static let tolerance = 0.5

    /// Fits `routine` into `seconds` with `options` (their `rounds`, if
    /// set, kept; their `hold` is the one chosen) and the sound lengths of
    /// `sounds`; throws `Unreachable` with the shortest or longest session
    /// possible when no rounds and holds come within `tolerance` of it.
    public static func fit(
        _ seconds: Double, routine: Routine, options: SessionOptions, sounds: some SoundLengths
    ) throws -> LengthFit {
        let target = Int64((seconds * Double(options.sampleRate)).rounded())
        let holds = shortestHold * options.pace...RoutineLimits.hold.upperBound
        let roundCounts = options.rounds.map { [$0] } ?? Array(RoutineLimits.rounds)
        var best: LengthFit?
        for rounds in roundCounts {
            var fitted = options
            fitted.rounds = rounds
            // Only the shortest session can fail for what the routine is; a
            // longer one fails only for passing a whole session's limit.
            func length(_ hold: Double) throws -> Int64 {
                fitted.hold = hold
                do { return try Timeline(routine: routine, options: fitted, sounds: sounds).frames } catch where hold > holds.lowerBound {
                    return .max
                }
            }
            guard let hold = try holdFitting(target, within: holds, tolerance: tolerance * Double(options.sampleRate), length)
            else { continue }
            let candidate = LengthFit(rounds: rounds, hold: hold, frames: try length(hold))
            if let chosen = best, distance(chosen.hold, routine.hold) <= distance(hold, routine.hold) { continue }
            best = candidate
        }
        if let best { return best }
        let fewest = roundCounts.first!, most = roundCounts.last!
        var shortest = options, longest = options
        (shortest.rounds, shortest.hold) = (fewest, holds.lowerBound)
        (longest.rounds, longest.hold) = (most, holds.upperBound)
        let low = try Timeline(routine: routine, options: shortest, sounds: sounds).frames
        if target < low { throw Unreachable(shortest: true, frames: low, rounds: fewest, hold: holds.lowerBound) }
        let high = try Timeline(routine: routine, options: longest, sounds: sounds).frames
        throw Unreachable(shortest: false, frames: high, rounds: most, hold: holds.upperBound)
    }

    /// Seconds from a length as people write it: `15m`, `45s`, `1h30m`,
    /// `1h 5m 30s` (hours, minutes and seconds, each at most once and in
    /// that order); nil for anything else.
    public static func seconds(parsing text: String) -> Double? {
        var total = 0.0
        var number = ""
        var units = "hms"[...]
        for character in text where character != " " {
            if character.isASCII, character.isNumber || character == "." {
                number.append(character)
                continue
            }
            guard let value = Double(number), let unit = units.firstIndex(of: character) else { return nil }
            total += value * ["h": 3600, "m": 60, "s": 1][character]!
            units = units[units.index(after: unit)...]
            number = ""
        }
        return number.isEmpty && units.count < 3 ? total : nil
    }

    /// No rounds and holds fit the length asked: the session nearest it.
    public struct Unreachable: Error, Equatable {
        /// Whether the length asked is under the shortest session (else over the longest).
        public var shortest: Bool
        /// The length of the shortest (or longest) session, in frames.
        public var frames: Int64
        /// Its rounds, and its holds in seconds at the options' pace.
        public var rounds: Int
        public var hold: Double
    }

    /// The hold within `holds` whose session comes within `tolerance`
    /// frames of `target`, or nil if none does. A session grows with its
    /// holds, in steps where a hold's change moves a breath or a tick, so
    /// the hold is found by halving, guided by the straight line between
    /// the ends (false position, Illinois' variant).
    private static func holdFitting(
        _ target: Int64, within holds: ClosedRange<Double>, tolerance: Double, _ length: (Double) throws -> Int64
    ) throws -> Double? {
        var (low, high) = (holds.lowerBound, holds.upperBound)
        var (lowError, highError) = (Double(try length(low) - target), Double(try length(high) - target))
        if abs(lowError) <= tolerance { return low }
        if abs(highError) <= tolerance { return high }
        guard lowError < 0, highError > 0 else { return nil }
        var kept = 0
        for _ in 0..<60 {
            let guess = low + (high - low) * (-lowError / (highError - lowError))
            let hold = guess > low && guess < high ? guess : (low + high) / 2
            let error = Double(try length(hold) - target)
            if abs(error) <= tolerance { return hold }
            if error < 0 {
                (low, lowError) = (hold, error)
                kept = kept > 0 ? kept + 1 : 1
                if kept > 1 { highError /= 2 }
            } else {
                (high, highError) = (hold, error)
                kept = kept < 0 ? kept - 1 : -1
                if kept < -1 { lowError /= 2 }
            }
        }
        return nil
    }

    /// How far apart two holds are, as a ratio either way.
    private static func distance(_ hold: Double, _ other: Double) -> Double { max(hold / other, other / hold) }
}

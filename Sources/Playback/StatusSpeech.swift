import Routines
import Timing

/// The "where am I" answer as voice-pack prompts, from the timeline alone:
/// "Round two of three. Pose three of seven. Cobra. Left side. Twenty five
/// seconds left." Built from recorded words, never from live speech.
public enum StatusSpeech {
    /// The prompts that describe `status`.
    public static func prompts(for status: LiveStatus) -> [PromptRef] {
        var words: [String] = status.paused ? ["status.paused"] : []
        let frame = status.frame
        guard let step = status.step else { return (words + ["status.introduction"]).map(PromptRef.voice) }
        if status.stepNumber == status.stepCount, frame >= step.holdEnd {
            return (words + ["status.closing"]).map(PromptRef.voice)
        }
        if status.rounds > 1 { words += ["status.round"] + number(step.round) + ["status.of"] + number(status.rounds) }
        words += ["status.pose"] + number(step.poseIndex + 1) + ["status.of"] + number(status.poseCount)
        words.append("name.\(step.pose)")
        if let side = step.side { words.append("status.\(side.rawValue)") }
        if frame < step.holdStart {
            words.append("status.getting-ready")
        } else if frame < step.holdEnd {
            if let breaths = step.breaths {
                let cycle = max(1, (step.holdEnd - step.holdStart) / Int64(max(1, breaths)))
                words += number(Int((step.holdEnd - frame + cycle - 1) / cycle)) + ["status.breaths-left"]
            } else {
                words += duration(seconds: status.holdSecondsLeft ?? 0) + ["status.seconds-left"]
            }
        } else {
            words.append("status.between-poses")
        }
        return words.map(PromptRef.voice)
    }

    /// A number of seconds left as words: under 10 exact, above that to the
    /// nearest 5; a minute or more as minutes and seconds.
    static func duration(seconds: Int) -> [String] {
        let rounded = seconds < 10 ? max(1, seconds) : (seconds + 2) / 5 * 5
        guard rounded >= 60 else { return number(rounded) }
        let minutes = rounded / 60
        let rest = rounded % 60
        var words = number(minutes) + [minutes == 1 ? "status.minute" : "status.minutes"]
        if rest > 0 { words += ["status.and"] + number(rest) }
        return words
    }

    /// Every prompt the answer may use in a session of poses `poses` (their
    /// ids): its own words, each pose's name, and every number it can say
    /// (times and breaths left may reach any of them).
    public static func vocabulary(poses: [String]) -> [String] {
        var words = ["status.paused", "status.introduction", "status.closing", "status.round", "status.of", "status.pose"]
        words += poses.map { "name.\($0)" } + Side.allCases.map { "status.\($0.rawValue)" }
        words += ["status.getting-ready", "status.breaths-left", "status.seconds-left", "status.minute", "status.minutes"]
        words += ["status.and", "status.between-poses"] + (1...101).flatMap(number)
        var seen = Set<String>()
        return words.filter { seen.insert($0).inserted }
    }

    /// The voice-pack ids that say `value`.
    public static func prompts(forNumber value: Int) -> [String] { number(value) }

    /// 1 to 100 as the voice pack's number prompts ("twenty" "five");
    /// above that, "over a hundred".
    static func number(_ value: Int) -> [String] {
        switch value {
        case ...20: ["number.\(max(1, value))"]
        case 21...99: ["number.\(value / 10 * 10)"] + (value % 10 > 0 ? number(value % 10) : [])
        case 100: ["number.100"]
        default: ["status.over", "number.100"]
        }
    }
}

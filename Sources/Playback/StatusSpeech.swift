import Routines
import Timing

/// The "where am I" answer as voice-pack prompts, from the timeline alone:
/// "Round two of three. Pose three of seven. Cobra. Left side. Twenty five
/// seconds left." Built from recorded words, never from live speech.
public enum StatusSpeech {
    /// The prompts that describe `frame` of `timeline`.
    public static func prompts(for timeline: Timeline, at frame: Int64, paused: Bool) -> [PromptRef] {
        var words: [String] = paused ? ["status.paused"] : []
        guard let index = timeline.steps.lastIndex(where: { $0.start <= frame }) else {
            return (words + ["status.introduction"]).map(PromptRef.voice)
        }
        let step = timeline.steps[index]
        let rounds = timeline.steps.map(\.round).max() ?? 1
        let poses = (timeline.steps.map(\.poseIndex).max() ?? 0) + 1
        if index == timeline.steps.count - 1, frame >= step.holdEnd {
            return (words + ["status.closing"]).map(PromptRef.voice)
        }
        if rounds > 1 { words += ["status.round"] + number(step.round) + ["status.of"] + number(rounds) }
        words += ["status.pose"] + number(step.poseIndex + 1) + ["status.of"] + number(poses)
        words.append("name.\(step.pose)")
        if let side = step.side { words.append("status.\(side.rawValue)") }
        let rate = Int64(timeline.sampleRate)
        if frame < step.holdStart {
            words.append("status.getting-ready")
        } else if frame < step.holdEnd {
            if let breaths = step.breaths {
                let cycle = (step.holdEnd - step.holdStart) / Int64(max(1, breaths))
                let left = Int((step.holdEnd - frame + cycle - 1) / max(1, cycle))
                words += number(left) + ["status.breaths-left"]
            } else {
                words += duration(seconds: Int((step.holdEnd - frame + rate - 1) / rate)) + ["status.seconds-left"]
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

    /// 1 to 59 (and on, by tens) as the voice pack's number prompts.
    static func number(_ value: Int) -> [String] {
        if value <= 20 { return ["number.\(max(1, value))"] }
        let tens = min(value / 10, 5) * 10
        let ones = value - tens
        return ["number.\(tens)"] + (ones > 0 ? number(ones) : [])
    }
}

import Playback
import Routines
import Timing

/// The words and the line the screen shows. Pure: status in, text out;
/// a pose's name with its controls escaped.
public enum StatusText {
    /// The status line for a terminal: round, pose n/N and its name, side, a
    /// bar for the hold, the time left in the session, paused, volume.
    public static func line(_ status: LiveStatus) -> String {
        var parts: [String] = []
        if let step = status.step {
            if status.rounds > 1 { parts.append("Round \(step.round)/\(status.rounds)") }
            var pose = "Pose \(step.poseIndex + 1)/\(status.poseCount) \(step.name.escapingControlCharacters)"
            if let side = step.side { pose += " (\(side.rawValue))" }
            parts.append(pose)
            if let progress = status.holdProgress, let left = status.holdSecondsLeft {
                let filled = Int((progress * 20).rounded(.down))
                parts.append("[" + String(repeating: "#", count: filled) + String(repeating: "-", count: 20 - filled) + "] \(left) s")
            } else if status.frame < step.holdStart {
                parts.append("getting ready")
            }
        } else {
            parts.append(status.frame >= status.frames ? "Done" : "Starting")
        }
        parts.append("\(Timeline.clock(seconds: status.sessionSecondsLeft)) left")
        // (A card's control may sit a hair off the step it was set to.)
        let volume = Int(status.volume.rounded())
        if volume != 0 { parts.append("vol \(volume > 0 ? "+" : "")\(volume) dB") }
        if !status.breathOn { parts.append("breath off") }
        if status.paused { parts.append("PAUSED") }
        return parts.joined(separator: "  ")
    }

    /// The plain line that announces a step: "Round 1, pose 3 of 7: Cobra, hold 30 s".
    public static func stepLine(_ status: LiveStatus) -> String? {
        guard let step = status.step else { return nil }
        var line = "Round \(step.round), pose \(step.poseIndex + 1) of \(status.poseCount): \(step.name.escapingControlCharacters)"
        if let side = step.side { line += ", \(side == .both ? "both sides" : "\(side.rawValue) side")" }
        if let breaths = step.breaths {
            line += ", \(breaths) breaths"
        } else {
            let seconds = Int((step.holdEnd - step.holdStart + Int64(status.sampleRate) / 2) / Int64(status.sampleRate))
            line += ", hold \(seconds) s"
        }
        return line
    }

    /// What a request did, in a few words, for the plain output.
    public static func commandLine(_ request: Request, after status: LiveStatus) -> String {
        switch request {
        case .pause, .resume, .toggle: status.paused ? "Paused" : "Resumed"
        case .volume: "Volume \(Int(status.volume.rounded())) dB"
        case .toggleBreath: status.breathOn ? "Breathing tones on" : "Breathing tones off"
        case .whereAmI: stepLine(status) ?? "Not in a pose"
        case .stop: "Stopping"
        case .unknown, .start, .status, .watch: "Key not used; ? shows the keys"
        case .acknowledge: ""
        case .edit(let edit):
            switch edit {
            case .next: "Next pose"
            case .back: "Back"
            case .lengthen, .shorten: status.step.map { step in
                let seconds = Int((step.holdEnd - step.holdStart + Int64(status.sampleRate) / 2) / Int64(status.sampleRate))
                return step.breaths.map { "Now \($0) breaths" } ?? "Hold now \(seconds) s"
            } ?? "Hold changed"
            case .faster: "Faster from the next hold"
            case .slower: "Slower from the next hold"
            }
        }
    }
}

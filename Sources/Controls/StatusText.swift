import Playback
import Routines
import Timing

/// The words and the line the screen shows. Pure: status in, text out;
/// a pose's name with its controls escaped.
public enum StatusText {
    /// The status line for a terminal: round, pose n/N and its name, side, a
    /// bar for the hold, the time left in the session, paused, volume.
    ///
    /// For a terminal `columns` wide it is shortened until it stays off the
    /// last column (where a terminal may wrap it, and every redraw then
    /// scroll a new copy): the bar halved, then left out, then the volume
    /// and breathing, then the words "Round" and "Pose", then the pose's
    /// name cut, then left out, then the pose's number and side, then the
    /// hold's seconds. The time left and
    /// PAUSED go last; what still does not fit is cut.
    public static func line(_ status: LiveStatus, columns: Int = .max) -> String {
        let room = columns - 1
        for shape in Shape.allCases where shape <= .compact {
            let text = line(status, shape)
            if text.columns <= room { return text }
        }
        if let name = status.step?.name.escapingControlCharacters {
            // The name's own room, and the space before it; a letter and "…" say nothing.
            let left = room - line(status, .compact, name: "").columns - 1
            if left >= 3 { return line(status, .compact, name: name.cut(toColumns: left)) }
            let nameless = line(status, .compact, name: "")
            if nameless.columns <= room { return nameless }
        }
        for shape in Shape.allCases where shape > .compact {
            let text = line(status, shape)
            if text.columns <= room { return text }
        }
        return line(status, .noHold).cut(toColumns: room)
    }

    /// How much a status line says, from everything to the least.
    private enum Shape: Int, CaseIterable, Comparable {
        case full, shortBar, noBar, noSettings, compact, noPose, noHold

        static func < (a: Shape, b: Shape) -> Bool { a.rawValue < b.rawValue }
    }

    /// The status line in `shape`, with the pose's name, or `name` in its place.
    private static func line(_ status: LiveStatus, _ shape: Shape, name: String? = nil) -> String {
        var parts: [String] = []
        if let step = status.step {
            if status.rounds > 1, shape < .compact { parts.append("Round \(step.round)/\(status.rounds)") }
            if shape < .noPose {
                var pose = (shape < .compact ? "Pose " : "") + "\(step.poseIndex + 1)/\(status.poseCount)"
                let name = name ?? step.name.escapingControlCharacters
                if !name.isEmpty { pose += " " + name }
                if let side = step.side { pose += " (\(side.rawValue))" }
                parts.append(pose)
            }
            if shape < .noHold, let progress = status.holdProgress, let left = status.holdSecondsLeft {
                let width = shape == .full ? 20 : 10
                let filled = Int((progress * Double(width)).rounded(.down))
                let bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
                parts.append((shape < .noBar ? bar : "") + "\(left) s")
            } else if shape < .noHold, status.frame < step.holdStart {
                parts.append(shape < .compact ? "getting ready" : "ready")
            }
        } else {
            parts.append(status.frame >= status.frames ? "Done" : "Starting")
        }
        parts.append("\(Timeline.clock(seconds: status.sessionSecondsLeft)) left")
        if shape < .noSettings {
            // (A card's control may sit a hair off the step it was set to.)
            let volume = Int(status.volume.rounded())
            if volume != 0 { parts.append("vol \(volume > 0 ? "+" : "")\(volume) dB") }
            if !status.breathOn { parts.append("breath off") }
        }
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
        case .unknown, .start, .status, .watch, .history: "Key not used; ? shows the keys"
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

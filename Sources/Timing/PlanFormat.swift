import Routines

extension Timeline {
    /// The plan as a table for people: one line per cue with its time,
    /// round, pose, side and what sounds, then the session's length; the
    /// routine's words with their controls escaped.
    public func planText(title: String) -> String {
        var lines = ["\(title.escapingControlCharacters): \(steps.count) holds, \(clock(frames)) at \(sampleRate) Hz"]
        lines.append("time       round  pose               side   cue")
        for cue in cues {
            var line = clock(cue.frame).padding(to: 11)
            line += (cue.round > 0 ? String(cue.round) : "-").padding(to: 7)
            line += (cue.pose?.escapingControlCharacters ?? "-").padding(to: 19)
            line += (cue.side?.rawValue ?? "-").padding(to: 7)
            line += cue.kind.rawValue
            if let prompt = cue.prompt { line += "  \(prompt.description.escapingControlCharacters)" }
            lines.append(line)
        }
        lines.append("end \(clock(frames)) (\(frames) frames)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The plan as JSON: `{"sampleRate": R, "frames": N, "cues": [...]}`, each
    /// cue with `frame`, `kind`, `length`, `pose`, `side`, `round` and `prompt`.
    public var planJSON: String {
        var out = "{\"sampleRate\": \(sampleRate), \"frames\": \(frames), \"cues\": ["
        for (index, cue) in cues.enumerated() {
            out += index == 0 ? "\n  " : ",\n  "
            out += "{\"frame\": \(cue.frame), \"kind\": \(json(cue.kind.rawValue)), \"length\": \(cue.length), "
            out += "\"pose\": \(json(cue.pose)), \"side\": \(json(cue.side?.rawValue)), \"round\": \(cue.round), "
            out += "\"prompt\": \(json(cue.prompt?.description))}"
        }
        return out + "\n]}\n"
    }

    /// `M:SS` of whole seconds, for summaries and status lines.
    public static func clock(seconds: Int) -> String {
        "\(seconds / 60):\(seconds % 60 < 10 ? "0" : "")\(seconds % 60)"
    }

    /// `M:SS.ss` of a frame position.
    public func clock(_ frame: Int64) -> String {
        let hundredths = (frame * 100 + Int64(sampleRate) / 2) / Int64(sampleRate)
        let minutes = hundredths / 6000
        let rest = hundredths % 6000
        let seconds = String(rest / 100)
        let fraction = String(rest % 100)
        return "\(minutes):\(seconds.count < 2 ? "0" : "")\(seconds).\(fraction.count < 2 ? "0" : "")\(fraction)"
    }
}

/// A JSON string literal, or `null`.
private func json(_ text: String?) -> String { text?.jsonQuoted ?? "null" }

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}

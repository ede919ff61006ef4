extension Routine {
    /// The routine as a routine file: YAML that `RoutineLoader` reads back
    /// into an equal routine. File prompts are written as absolute paths.
    public var yaml: String {
        var lines = [
            "name: \(quoted(name))",
            "rounds: \(rounds)",
            "hold: \(hold.formatted)",
            "settle: \(settle.formatted)",
            "rest: \(rest.formatted)",
            "breathing: \(quoted(breathing.description))",
        ]
        if let intro { lines.append("intro: \(quoted(intro.description))") }
        if let outro { lines.append("outro: \(quoted(outro.description))") }
        if !packs.isEmpty { lines.append("packs: [\(packs.map(quoted).joined(separator: ", "))]") }
        let layerGains = Routine.layers.compactMap { layer in gains[layer].map { "\(layer): \($0.formatted)" } }
        if !layerGains.isEmpty { lines.append("gains: {\(layerGains.joined(separator: ", "))}") }
        lines.append("poses:")
        for pose in poses {
            lines.append("  - id: \(quoted(pose.id))")
            lines.append("    name: \(quoted(pose.name))")
            lines.append("    prompt: \(quoted(pose.prompt.description))")
            switch pose.length {
            case .hold(let seconds?): lines.append("    hold: \(seconds.formatted)")
            case .hold(nil): break
            case .breaths(let count): lines.append("    breaths: \(count)")
            }
            if let breathing = pose.breathing { lines.append("    breathing: \(quoted(breathing.description))") }
            if let prompt = pose.inhalePrompt { lines.append("    on_inhale: \(quoted(prompt.description))") }
            if let prompt = pose.exhalePrompt { lines.append("    on_exhale: \(quoted(prompt.description))") }
            if !pose.sides.isEmpty {
                lines.append("    sides: [\(pose.sides.map(\.rawValue).joined(separator: ", "))]")
            }
            let sidePrompts = pose.sides.compactMap { side in pose.sidePrompts[side].map { (side, $0) } }
            if !sidePrompts.isEmpty {
                lines.append("    side_prompts:")
                for (side, prompt) in sidePrompts { lines.append("      \(side): \(quoted(prompt.description))") }
            }
            if let prompt = pose.releasePrompt { lines.append("    release: \(quoted(prompt.description))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `text` as a YAML scalar: bare when that reads back as the same string,
/// double-quoted with escapes otherwise (JSON's, which YAML reads).
private func quoted(_ text: String) -> String {
    let plain = text.allSatisfy { $0.isLetter || $0.isNumber || " -_./'".contains($0) }
        && text.first.map { $0.isLetter || $0 == "/" || $0 == "." } == true
        && text.last != " " && !["true", "false", "yes", "no", "on", "off", "null", "y", "n"].contains(text.lowercased())
    return plain ? text : text.jsonQuoted
}

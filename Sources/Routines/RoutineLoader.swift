import SystemCalls

/// Reads routine files (YAML) into checked `Routine` values.
///
/// Every problem is reported as one `InputError` naming the file, line and
/// column and what was expected; a routine that loads is safe to play.
public enum RoutineLoader {
    /// The largest routine file read, in bytes.
    public static let maximumFileSize = 1 << 20

    /// Loads and checks the routine file at `path`.
    public static func load(path: String) throws(InputError) -> Routine {
        try checkSize(path: path)
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        guard let root = try YAMLFile.read(path, limit: maximumFileSize, name: "the routine", expected: "a routine file")
        else { throw emptyFile(path) }
        return try RoutineReader(file: path, folder: folder.isEmpty ? "/" : folder).routine(root)
    }

    /// Checks a routine given as YAML text. `file` names it in errors; prompt
    /// files are looked up relative to `folder`.
    public static func parse(yaml: String, file: String, folder: String) throws(InputError) -> Routine {
        guard let root = try YAMLTree.parse(yaml, file: file), !root.isNull else { throw emptyFile(file) }
        return try RoutineReader(file: file, folder: folder).routine(root)
    }

    private static func emptyFile(_ file: String) -> InputError {
        InputError(file: file, message: "the file is empty; expected a routine with `name` and `poses`")
    }

    /// Refuses a special file or one too large before reading it, in words for a routine.
    private static func checkSize(path: String) throws(InputError) {
        let status: Files.Status
        do {
            status = try Files.status(path)
        } catch {
            throw InputError(file: path, message: "cannot read the routine: \(error.reason)")
        }
        guard status.kind == .regular else {
            throw InputError(file: path, message: "not a regular file; expected a routine file (YAML)")
        }
        guard status.size <= maximumFileSize else {
            throw InputError(
                file: path, message: "\(status.size) bytes is too large for a routine; expected at most 1 MiB")
        }
    }
}

/// Walks a YAML tree and builds a routine, checking every value on the way.
private struct RoutineReader: YAMLReading {
    let file: String
    let folder: String

    static let routineKeys = ["name", "rounds", "hold", "settle", "rest", "breathing", "intro", "outro", "packs", "gains", "poses"]
    static let poseKeys = [
        "id", "name", "prompt", "hold", "breaths", "sides", "side_prompts", "breathing", "on_inhale",
        "on_exhale", "release",
    ]

    func routine(_ node: YAMLNode) throws(InputError) -> Routine {
        let fields = try mapping(node, what: "a routine", keys: Self.routineKeys)
        var routine = Routine(name: try text(fields.required("name", in: "the routine")), poses: [])
        if let value = fields["rounds"] { routine.rounds = try integer(value, in: RoutineLimits.rounds, what: "rounds") }
        if let value = fields["hold"] { routine.hold = try seconds(value, in: RoutineLimits.hold, what: "a hold") }
        if let value = fields["settle"] { routine.settle = try seconds(value, in: RoutineLimits.pause, what: "settle") }
        if let value = fields["rest"] { routine.rest = try seconds(value, in: RoutineLimits.pause, what: "rest") }
        if let value = fields["breathing"] { routine.breathing = try breathing(value) }
        if let value = fields["intro"] { routine.intro = try prompt(value) }
        if let value = fields["outro"] { routine.outro = try prompt(value) }
        if let value = fields["packs"] {
            routine.packs = try list(value, what: "packs") { node throws(InputError) in
                let pack = try text(node)
                return pack.contains("/") && !pack.hasPrefix("/") ? folder + "/" + pack : pack
            }
        }
        if let value = fields["gains"] {
            let gains = try mapping(value, what: "layer gains", keys: Routine.layers)
            for (layer, gain) in gains.pairs {
                routine.gains[layer.text!] = try number(gain, in: RoutineLimits.gain, what: "a gain in dB")
            }
        }

        let posesNode = try fields.required("poses", in: "the routine")
        guard case .sequence(let list) = posesNode.value else {
            throw error(at: posesNode, "`poses` must be a list of poses, found \(posesNode.described)")
        }
        guard RoutineLimits.poses.contains(list.count) else {
            throw error(
                at: posesNode,
                list.isEmpty
                    ? "`poses` is empty; expected at least one pose"
                    : "\(list.count) poses; expected at most \(RoutineLimits.poses.upperBound)")
        }
        var seen: Set<String> = []
        for node in list {
            let pose = try self.pose(node)
            guard seen.insert(pose.id).inserted else {
                throw error(at: node, "pose id '\(pose.id.escapingControlCharacters)' is used twice; expected each id once")
            }
            routine.poses.append(pose)
        }
        return routine
    }

    func pose(_ node: YAMLNode) throws(InputError) -> Pose {
        let fields = try mapping(node, what: "a pose", keys: Self.poseKeys)
        let idNode = try fields.required("id", in: "a pose")
        let id = try text(idNode)
        guard !id.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            throw error(at: idNode, "pose id '\(id.escapingControlCharacters)' has a space or '/'; expected a short id like `cobra`")
        }
        var pose = Pose(
            id: id, name: try text(fields.required("name", in: "a pose")),
            prompt: try prompt(fields.required("prompt", in: "a pose")))

        switch (fields["hold"], fields["breaths"]) {
        case (.some(let hold), .some):
            throw error(at: hold, "a pose has both `hold` and `breaths`; expected one of them")
        case (.some(let hold), nil):
            pose.length = .hold(try seconds(hold, in: RoutineLimits.hold, what: "a hold"))
        case (nil, .some(let breaths)):
            pose.length = .breaths(try integer(breaths, in: RoutineLimits.breaths, what: "breaths"))
        case (nil, nil):
            pose.length = .hold(nil)
        }
        if let value = fields["sides"] { pose.sides = try sides(value) }
        if let value = fields["side_prompts"] { pose.sidePrompts = try sidePrompts(value, sides: pose.sides) }
        if let value = fields["breathing"] { pose.breathing = try breathing(value) }
        for key in ["on_inhale", "on_exhale"] {
            guard let value = fields[key] else { continue }
            guard case .breaths = pose.length else {
                throw error(at: value, "`\(key)` belongs to a breath-paced pose; expected `breaths` in this pose")
            }
        }
        if let value = fields["on_inhale"] { pose.inhalePrompt = try prompt(value) }
        if let value = fields["on_exhale"] { pose.exhalePrompt = try prompt(value) }
        if let value = fields["release"] { pose.releasePrompt = try prompt(value) }
        return pose
    }

    // MARK: Values

    func breathing(_ node: YAMLNode) throws(InputError) -> BreathPattern {
        guard let text = node.text, let pattern = BreathPattern(parsing: text) else {
            throw error(
                at: node, "breathing must be \"IN:OUT\" or \"IN:HOLD:OUT:HOLD\" in seconds, like \"4:6\"; found \(node.described)")
        }
        if let problem = pattern.problem { throw error(at: node, "breathing \(text): \(problem)") }
        return pattern
    }

    func prompt(_ node: YAMLNode) throws(InputError) -> PromptRef {
        var ref = PromptRef(parsing: try text(node), location: location(node))
        guard case .file(let path) = ref.source else { return ref }
        let resolved = path.hasPrefix("/") ? path : folder + "/" + path
        guard let kind = Files.kind(of: resolved) else {
            throw error(
                at: node,
                "prompt file '\(path.escapingControlCharacters)' not found; expected a sound file at "
                    + resolved.escapingControlCharacters)
        }
        guard kind == .regular else {
            throw error(
                at: node,
                "prompt file '\(path.escapingControlCharacters)' is \(kind.described), not a regular file; "
                    + "expected a sound file at \(resolved.escapingControlCharacters)")
        }
        ref.source = .file(resolved)
        return ref
    }

    func sides(_ node: YAMLNode) throws(InputError) -> [Side] {
        guard case .sequence(let list) = node.value else {
            throw error(at: node, "sides must be a list of sides from: left, right, both; found \(node.described)")
        }
        guard !list.isEmpty else {
            throw error(at: node, "`sides` is empty; expected some of: left, right, both (or no `sides` at all)")
        }
        var sides: [Side] = []
        for item in list {
            guard let side = item.text.flatMap(Side.init(rawValue:)) else {
                throw error(at: item, "unknown side \(item.described); expected left, right or both")
            }
            guard !sides.contains(side) else { throw error(at: item, "side '\(side)' is listed twice; expected each side once") }
            sides.append(side)
        }
        return sides
    }

    func sidePrompts(_ node: YAMLNode, sides: [Side]) throws(InputError) -> [Side: PromptRef] {
        let fields = try mapping(node, what: "side prompts", keys: Side.allCases.map(\.rawValue))
        var prompts: [Side: PromptRef] = [:]
        for (key, value) in fields.pairs {
            let side = Side(rawValue: key.text!)!
            guard sides.contains(side) else {
                throw error(at: key, "a prompt for side '\(side)', which `sides` does not list; expected only sides it lists")
            }
            prompts[side] = try prompt(value)
        }
        return prompts
    }
}

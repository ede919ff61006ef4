import Routines

/// A status object from the box, read for the page: its fields as text.
public struct BoxStatus: Sendable {
    private var fields: [String: String] = [:]

    /// The fields of `json` (the box's status object); empty when unreadable.
    public init(json: String?) {
        guard let json, let node = try? YAMLTree.parse(json, file: "status"), case .mapping(let pairs) = node.value else { return }
        for pair in pairs {
            if let key = pair.key.text, !pair.value.isNull, let value = pair.value.text { fields[key] = value }
        }
    }

    public subscript(_ key: String) -> String? { fields[key] }
    public func number(_ key: String) -> Double? { fields[key].flatMap(Double.init) }

    /// idle, waiting, playing or paused; `nil` when no box answers.
    public var state: String? { fields["state"] }
    public var isSession: Bool { state == "playing" || state == "paused" }

    /// "Pose 2 of 7: Cobra, left", said when it changes.
    public var poseLine: String {
        guard isSession, let pose = fields["pose"], let poses = fields["poses"] else { return "" }
        var line = "Pose \(pose) of \(poses)"
        if let name = fields["name"] { line += ": \(name)" }
        if let side = fields["side"] { line += ", \(side)" }
        return line
    }

    /// `m:ss`.
    public static func clock(_ seconds: Double) -> String {
        let whole = max(0, Int(seconds.rounded(.up)))
        let rest = whole % 60
        return "\(whole / 60):\(rest < 10 ? "0" : "")\(rest)"
    }
}

extension BoxStatus {
    /// The `error` of a refusal from the box (`{"ok":false,"error":"..."}`).
    public static func error(in reply: String) -> String? {
        guard let node = try? YAMLTree.parse(reply, file: "reply"), case .mapping(let pairs) = node.value else { return nil }
        return pairs.first { $0.key.text == "error" }?.value.text
    }
}

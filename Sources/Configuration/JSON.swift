import Routines

/// A JSON value, written on one line: replies and events of the control
/// socket, history lines. Only writing is needed: what the program reads
/// back (history, saved state) is read as YAML, of which JSON is a part.
public enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    /// Keys in the order given, so lines read the same every time.
    case object([(String, JSON)])

    public static func == (lhs: JSON, rhs: JSON) -> Bool { lhs.text == rhs.text }

    /// The value as compact JSON text, with no line break in it.
    public var text: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let value): Self.number(value)
        case .string(let value): value.jsonQuoted
        case .array(let items): "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let pairs): "{" + pairs.map { $0.0.jsonQuoted + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }

    /// A whole number as one (`30`), else at most three decimals (`12.345`).
    private static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = value.fixed(3)
        while text.hasSuffix("0") { text.removeLast() }
        // 0.0004 and 0.9996 round to a whole number: "0." and "1." are not JSON.
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

/// A key as the terminal sends it.
public enum Key: Equatable, Sendable {
    /// A printable character, or a control one not listed here.
    case character(Character)
    case up, down, left, right
    /// Escape pressed alone.
    case escape
    /// Ctrl-C, when the terminal sends it as a byte instead of a signal.
    case controlC
    /// A sequence no key here stands for (F-keys, Home, mouse...).
    case other
}

/// Turns the bytes a terminal sends into keys, however the reads split them.
///
/// Arrows come as `ESC [ A` (normal mode) or `ESC O A` (application mode),
/// with optional parameters (`ESC [ 1 ; 5 A`); other escape sequences are
/// read to their end and reported as `.other`. An escape on its own is only
/// known when nothing follows it: `flush()`, called after a short quiet
/// spell, says so. Multi-byte UTF-8 characters are assembled.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// Whether bytes are waiting for more (an escape sequence or a character begun).
    public var isWaiting: Bool { !pending.isEmpty }

    /// The keys completed by `bytes`.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Key] {
        var keys: [Key] = []
        for byte in bytes {
            pending.append(byte)
            if let key = complete() {
                keys.append(key)
                pending.removeAll(keepingCapacity: true)
            }
        }
        return keys
    }

    /// Ends what is waiting: a lone escape, or a sequence cut short.
    public mutating func flush() -> [Key] {
        defer { pending.removeAll(keepingCapacity: true) }
        guard let first = pending.first else { return [] }
        if first == 0x1B { return pending.count == 1 ? [.escape] : [.other] }
        return [.other]
    }

    /// The key `pending` makes, if it is whole.
    private func complete() -> Key? {
        let first = pending[0]
        if first == 0x1B { return escapeSequence() }
        if first == 0x03 { return .controlC }
        if first < 0x80 { return .character(Character(Unicode.Scalar(first))) }
        // UTF-8: the lead byte says how many bytes the character has.
        let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1
        guard pending.count >= length else { return nil }
        return String(validating: pending, as: UTF8.self).flatMap(\.first).map(Key.character) ?? .other
    }

    private func escapeSequence() -> Key? {
        guard pending.count >= 2 else { return nil }
        switch pending[1] {
        case UInt8(ascii: "["):
            // CSI: parameters, then one final byte from @ to ~.
            guard let final = pending.dropFirst(2).first(where: { (0x40...0x7E).contains($0) }) else { return nil }
            return arrow(final) ?? .other
        case UInt8(ascii: "O"):
            guard pending.count >= 3 else { return nil }
            return arrow(pending[2]) ?? .other
        default:
            // Escape then another key (Alt+key): not a key of ours.
            return .other
        }
    }

    private func arrow(_ final: UInt8) -> Key? {
        switch final {
        case UInt8(ascii: "A"): .up
        case UInt8(ascii: "B"): .down
        case UInt8(ascii: "C"): .right
        case UInt8(ascii: "D"): .left
        default: nil
        }
    }
}

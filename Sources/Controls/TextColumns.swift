/// How many columns text takes on a terminal, and text cut to a number of
/// columns: what fitting a line to a terminal's width needs.
extension String {
    /// The columns the text takes: two for each wide character (CJK, most
    /// emoji), one for any other. Controls are expected escaped already.
    public var columns: Int { reduce(0) { $0 + $1.columns } }

    /// The text if it takes at most `columns`; else as much of its start as
    /// fits with "…" after it. Empty when not even "…" fits.
    public func cut(toColumns columns: Int) -> String {
        guard self.columns > columns else { return self }
        guard columns >= 1 else { return "" }
        var kept = ""
        var used = 0
        for character in self {
            guard used + character.columns <= columns - 1 else { break }
            kept.append(character)
            used += character.columns
        }
        while kept.last == " " { kept.removeLast() }
        return kept + "…"
    }
}

extension Character {
    /// Two columns for a character a terminal draws wide, else one.
    var columns: Int {
        guard let first = unicodeScalars.first?.value else { return 0 }
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
            0x1F900...0x1F9FF, 0x20000...0x3FFFD,
        ]
        return wide.contains { $0.contains(first) } ? 2 : 1
    }
}

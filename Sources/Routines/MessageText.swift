extension Unicode.Scalar {
    /// Whether a terminal would act on the scalar rather than show it, or a
    /// reader could not see it: the C0 controls, DEL, the C1 controls, the
    /// line and paragraph separators (U+2028, U+2029) and the bidirectional
    /// formatting controls that reorder the text after them (U+061C, U+200E,
    /// U+200F, U+202A to U+202E, U+2066 to U+2069).
    public var isTerminalControl: Bool {
        switch value {
        case 0..<0x20, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

extension String {
    /// The text as a person may be shown it on a terminal: every scalar
    /// that is ``Unicode/Scalar/isTerminalControl`` written as a visible
    /// escape (`\n`, `\t`, `\u{1B}`, `\u{202E}`), so that text from a file
    /// can neither move the cursor, retitle or clear the terminal, reverse
    /// what follows it, nor break the one-line form of errors.
    public var escapingControlCharacters: String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.isTerminalControl: out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    /// The text as a JSON string (which YAML reads too): quoted, with quotes,
    /// backslashes and every ``Unicode/Scalar/isTerminalControl`` escaped,
    /// on one line, so that JSON printed on a terminal is as safe as text.
    public var jsonQuoted: String {
        var out = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.isTerminalControl:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension Double {
    /// The number rounded to `digits` decimals (half away from zero), always
    /// with that many: `-20.0`, `+3.25` with `sign`. Written here so that no
    /// module needs Foundation's `String(format:)`, which links all of
    /// Foundation and its locale data into the program (about 4 MB of
    /// resident memory at start).
    public func fixed(_ digits: Int, sign: Bool = false) -> String {
        guard isFinite else { return String(self) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let units = (abs(self) * scale).rounded(.toNearestOrAwayFromZero)
        guard units < 1e17 else { return String(self) }
        let whole = UInt64(units)
        let integer = whole / UInt64(scale)
        var text = String(integer)
        if digits > 0 {
            let fraction = String(whole % UInt64(scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        let negative = self < 0 && whole != 0
        return (negative ? "-" : sign ? "+" : "") + text
    }
}

extension String {
    /// The text with control characters written as escapes (`\n`, `\t`,
    /// `\u{7F}`), so that user text put in a message cannot break the
    /// one-line form of errors.
    public var escapingControlCharacters: String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}":
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    /// The text as a JSON string (which YAML reads too): quoted, with quotes,
    /// backslashes and control characters escaped, on one line.
    public var jsonQuoted: String {
        var out = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar == "\u{2028}" || scalar == "\u{2029}":
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

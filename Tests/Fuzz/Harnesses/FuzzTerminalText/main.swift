import FuzzDriver
import Routines

// The escaper of text shown to a person: any bytes from a file, read as
// UTF-8 the way names are, come out with no scalar a terminal acts on or
// that reorders the line, as valid UTF-8, and unchanged by escaping again;
// as JSON, with none either. The controls are listed here afresh, not taken
// from the escaper.
func isControl(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return value < 0x20 || (0x7F...0x9F).contains(value) || [0x061C, 0x200E, 0x200F].contains(value)
        || (0x2028...0x202E).contains(value) || (0x2066...0x2069).contains(value)
}

runFuzzer { data, size in
    let text = String(decoding: bytes(data, size), as: UTF8.self)
    let shown = text.escapingControlCharacters
    precondition(!shown.unicodeScalars.contains(where: isControl), "a control left in \(shown.debugDescription)")
    precondition(String(validating: Array(shown.utf8), as: UTF8.self) == shown, "not valid UTF-8")
    precondition(shown.escapingControlCharacters == shown, "escaping twice changed \(shown.debugDescription)")
    precondition(!text.jsonQuoted.unicodeScalars.contains(where: isControl), "a control left in JSON")
    return 0
}

import Routines
import Testing

@Suite struct MessageTextTests {
    @Test(arguments: [
        (-20.0, 1, false, "-20.0"), (3.25, 2, true, "+3.25"), (-0.04, 1, true, "+0.0"), (0.05, 1, false, "0.1"),
        (-5.55, 1, false, "-5.6"), (12.0, 0, false, "12"), (0.999, 2, false, "1.00"), (-70.0, 1, true, "-70.0"),
    ])
    func fixedDecimals(value: Double, digits: Int, sign: Bool, expected: String) {
        #expect(value.fixed(digits, sign: sign) == expected)
    }

    /// Whatever a file holds, what a terminal is sent of it shows every
    /// control as an escape and leaves the rest, accents and emoji too, alone.
    @Test(arguments: [
        ("\u{1B}]0;owned\u{07}Cobra", "\\u{1B}]0;owned\\u{7}Cobra"), ("\u{1B}[2J", "\\u{1B}[2J"),
        ("a\u{202E}cba", "a\\u{202E}cba"), ("\u{2066}x\u{2069}\u{061C}\u{200E}\u{200F}", "\\u{2066}x\\u{2069}\\u{61C}\\u{200E}\\u{200F}"),
        ("\u{9B}2J\u{7F}\u{85}", "\\u{9B}2J\\u{7F}\\u{85}"), ("one\ntwo\tthree\r", "one\\ntwo\\tthree\\r"),
        ("\u{2028}\u{2029}\u{202A}", "\\u{2028}\\u{2029}\\u{202A}"), ("Épaule ⟨lève⟩ 🧘 \\u{1B}", "Épaule ⟨lève⟩ 🧘 \\u{1B}"),
    ])
    func controlsAreEscapedForTerminals(text: String, shown: String) {
        #expect(text.escapingControlCharacters == shown)
        #expect(shown.escapingControlCharacters == shown, "escaping twice changes nothing more")
    }

    @Test func everyTerminalControlIsEscapedAndNothingElse() {
        let controls = Array(0..<0x20) + Array(0x7F...0x9F) + [0x061C, 0x200E, 0x200F] + Array(0x2028...0x202E) + Array(0x2066...0x2069)
        for value in 0..<0x3000 {
            let scalar = Unicode.Scalar(UInt32(value))!
            #expect(scalar.isTerminalControl == controls.contains(value), "U+\(String(value, radix: 16))")
            #expect(String(Character(scalar)).escapingControlCharacters.unicodeScalars.allSatisfy { !$0.isTerminalControl })
        }
    }

    /// JSON printed on a terminal carries no control either: the same
    /// scalars as `\uXXXX`, which JSON and YAML readers turn back.
    @Test func jsonQuotingEscapesTerminalControls() {
        #expect("\u{1B}]0;t\u{07}\u{9B}\u{202E}\u{2066}é\"\\".jsonQuoted == #""\u001b]0;t\u0007\u009b\u202e\u2066é\"\\""#)
    }
}

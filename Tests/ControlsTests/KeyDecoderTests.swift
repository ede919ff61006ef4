import Controls
import Testing

/// Keys from raw bytes, however the terminal splits them.
@Suite struct KeyDecoderTests {
    func keys(_ chunks: [[UInt8]]) -> [Key] {
        var decoder = KeyDecoder()
        return chunks.flatMap { decoder.feed($0) }
    }

    @Test(arguments: [
        ([0x1B, 0x5B, 0x41] as [UInt8], Key.up), ([0x1B, 0x5B, 0x42], .down), ([0x1B, 0x5B, 0x43], .right),
        ([0x1B, 0x5B, 0x44], .left),
        ([0x1B, 0x4F, 0x41], .up), ([0x1B, 0x4F, 0x43], .right),  // application mode
        ([0x1B, 0x5B, 0x31, 0x3B, 0x35, 0x43], .right),  // Ctrl+Right
        ([0x1B, 0x5B, 0x31, 0x35, 0x7E], .other),  // F5
        ([0x20], .character(" ")), ([0x03], .controlC), ([0xC3, 0xA9], .character("é")),
    ])
    func sequencesDecodeToTheirKey(bytes: [UInt8], key: Key) {
        #expect(keys([bytes]) == [key])
    }

    @Test func sequencesSplitAcrossReadsStillDecode() {
        #expect(keys([[0x1B], [0x5B], [0x43]]) == [.right])
        #expect(keys([[0x1B, 0x4F], [0x44, 0x6E]]) == [.left, .character("n")])
        #expect(keys([[0xE2, 0x82], [0xAC]]) == [.character("€")])
    }

    @Test func keysInOneReadComeOutInOrder() {
        #expect(keys([Array(" nb".utf8) + [0x1B, 0x5B, 0x41, 0x71]]) == [
            .character(" "), .character("n"), .character("b"), .up, .character("q"),
        ])
    }

    @Test func escapeAloneIsKnownOnlyAfterAQuietSpell() {
        var decoder = KeyDecoder()
        #expect(decoder.feed([0x1B]).isEmpty)
        #expect(decoder.isWaiting)
        #expect(decoder.flush() == [.escape])
        #expect(!decoder.isWaiting)
        // Escape then a letter (Alt+x) is not ours; the letter after it is read on.
        #expect(decoder.feed([0x1B, 0x78, 0x6E]) == [.other, .character("n")])
    }
}

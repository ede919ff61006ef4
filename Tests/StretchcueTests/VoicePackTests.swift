import Audio
import Foundation
import TestSupport
import Testing

/// Voice packs made by the program: `packs speak` from text with a speech
/// engine on the machine.
@Suite struct VoicePackTests {
    let folder = Repository.temporaryFolder("stretchcue-voicepack")

    /// A list of prompts: a sentence, a single word (festival says it in a
    /// carrier sentence), and a short phrase.
    func promptList() throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/prompts.txt"
        try """
            # A voice of three prompts.
            hold.still | Breathe in slowly, and let your shoulders drop.
            word.cat | Cat.
            side.left | Left side.

            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: ["festival", "espeak-ng", "flite"])
    func speakMakesAPackOfTrimmedLevelledPromptsThatChecksClean(engine: String) throws {
        let list = try promptList()
        let pack = folder + "/" + engine
        let speak = try Program.run(["packs", "speak", list, "-o", pack, "--engine", engine])
        #expect(speak.status == 0, "\(speak.error)")
        let manifest = try String(contentsOfFile: pack + "/pack.yaml", encoding: .utf8)
        #expect(manifest.contains("word.cat: {file: \"word.cat.wav\", text: \"Cat.\"}"), "\(manifest)")
        for id in ["hold.still", "word.cat", "side.left"] {
            let take = try WAV(path: "\(pack)/\(id).wav")
            #expect(take.sampleRate == 24_000 && take.channels == 1 && take.bitsPerSample == 16)
            let samples = take.samples
            // 60 ms of air at each end: quiet, then the words.
            let air = Int(0.06 * 24_000)
            #expect(samples.prefix(air / 2).allSatisfy { abs($0) < 0.01 }, "\(id) starts with its words")
            #expect(samples.suffix(air / 2).allSatisfy { abs($0) < 0.01 }, "\(id) ends with its words")
            // The words found again where the air ends (to the 10 ms block).
            let words = try #require(VoiceTake.spokenFrames(samples, rate: 24_000))
            #expect(abs(words.lowerBound - air) <= 240 && abs(samples.count - words.upperBound - air) <= 240, "\(id): \(words) of \(samples.count)")
            let loudness = try Loudness(ofFile: "\(pack)/\(id).wav")
            #expect(abs(loudness.integrated - Loudness.voiceTarget) < 0.5, "\(id): \(loudness.integrated) LUFS")
            #expect(loudness.peak <= -1, "\(id): peak \(loudness.peak) dBFS")
        }
        let check = try Program.run(["packs", "check", pack])
        #expect(check.status == 0, "\(check.output)\(check.error)")
        #expect(check.output.contains("plays at +0.0 dB"), "\(check.output)")
    }

    @Test func speakingSomeIdsAgainKeepsTheRestOfThePack() throws {
        let list = try promptList()
        let pack = folder + "/again"
        #expect(try Program.run(["packs", "speak", list, "-o", pack, "--engine", "espeak-ng"]).status == 0)
        let kept = try Data(contentsOf: URL(fileURLWithPath: pack + "/hold.still.wav"))
        let before = try Data(contentsOf: URL(fileURLWithPath: pack + "/side.left.wav"))
        let again = try Program.run(["packs", "speak", list, "-o", pack, "side.left"])
        #expect(again.status == 0, "\(again.error)")
        #expect(again.output.contains("side.left:") && !again.output.contains("hold.still:"), "\(again.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: pack + "/hold.still.wav")) == kept)
        #expect(try Data(contentsOf: URL(fileURLWithPath: pack + "/side.left.wav")) != before, "festival's take, not espeak-ng's")
        let manifest = try String(contentsOfFile: pack + "/pack.yaml", encoding: .utf8)
        #expect(["hold.still", "word.cat", "side.left"].allSatisfy { manifest.contains("  \($0): ") })
    }

    @Test func speakNeverWritesOverFilesItDidNotMake() throws {
        let list = try promptList()
        let mine = folder + "/mine"
        try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
        try "my notes".write(toFile: mine + "/notes.txt", atomically: true, encoding: .utf8)
        let refused = try Program.run(["packs", "speak", list, "-o", mine, "--engine", "espeak-ng"])
        #expect(refused.status == 1 && refused.error.contains("notes.txt"), "\(refused.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mine) == ["notes.txt"])
        // A pack made by hand (or exported) is not speak's either.
        let exported = folder + "/exported"
        #expect(try Program.run(["packs", "export", exported]).status == 0)
        let manifest = try Data(contentsOf: URL(fileURLWithPath: exported + "/pack.yaml"))
        let overPack = try Program.run(["packs", "speak", list, "-o", exported, "--engine", "espeak-ng"])
        #expect(overPack.status == 1 && overPack.error.contains("not made by `stretchcue packs speak`"), "\(overPack.error)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: exported + "/pack.yaml")) == manifest)
    }

    @Test func aBrokenPromptListIsRefusedWithItsPlace() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let cases = [
            ("hello | Hello.\nno bar on this line\n", ":2:1: no '|' in this line; expected \"ID | words\""),
            ("Hello There | Hello.\n", ":1:1: 'Hello There' cannot name a prompt"),
            ("hello |   \n", ":1:8: no words for 'hello'"),
            ("hello | Hi.\nhello | Hello.\n", ":2:1: 'hello' is listed twice"),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let list = folder + "/broken-\(index).txt"
            try text.write(toFile: list, atomically: true, encoding: .utf8)
            let result = try Program.run(["packs", "speak", list, "-o", folder + "/never-\(index)"])
            #expect(result.status == 2, "\(text)")
            #expect(result.error.contains(list + expected), "\(result.error)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/never-\(index)"))
        }
    }
}

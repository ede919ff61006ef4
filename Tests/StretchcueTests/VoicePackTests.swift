import Audio
import Foundation
import PackTools
import TestSupport
import Testing

/// Voice packs made by the program: `packs speak` from text with a speech
/// engine on the machine, `packs record` from a microphone (here ALSA's
/// file plugin, whose capture reads a file).
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

    /// The pack's language is the voice's: an espeak-ng German voice makes a German pack.
    @Test(arguments: [("de", "de"), ("en-gb", "en-GB"), ("pt-br+f3", "pt-BR")])
    func aPackSpeaksTheLanguageOfItsVoice(voice: String, language: String) throws {
        let list = folder + "/one.txt"
        try "word.cat | Katze.\n".write(toFile: list, atomically: true, encoding: .utf8)
        let pack = folder + "/" + voice
        let speak = try Program.run(["packs", "speak", list, "-o", pack, "--engine", "espeak-ng", "--voice", voice])
        #expect(speak.status == 0, "\(speak.error)")
        let manifest = try String(contentsOfFile: pack + "/pack.yaml", encoding: .utf8)
        #expect(manifest.contains("language: \"\(language)\""), "\(manifest)")
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

    /// `packs speak` says how far it is on standard error: to a log, a line
    /// per prompt, `n/N ID, M:SS left`, the time left guessed from the
    /// prompts done; only the ids asked for are counted.
    @Test func speakSaysOnALineAPromptHowFarItIsAndTheTimeLeft() throws {
        let list = try promptList()
        let pack = folder + "/progress"
        let speak = try Program.run(["packs", "speak", list, "-o", pack, "--engine", "espeak-ng"])
        #expect(speak.status == 0, "\(speak.error)")
        let lines = speak.error.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let ids = ["hold.still", "word.cat", "side.left"]
        #expect(lines.count == ids.count + 1 && lines.last == "", "\(speak.error)")
        for (index, id) in ids.enumerated() where index < lines.count {
            let line = lines[index]
            #expect(line.hasPrefix("\(index + 1)/3 \(id), ") && line.hasSuffix(" left"), "\(line)")
            let left = line.dropFirst("\(index + 1)/3 \(id), ".count).dropLast(" left".count).split(separator: ":")
            #expect(left.count == 2 && Int(left[0]) != nil && left[1].count == 2 && Int(left[1]).map { $0 < 60 } == true, "\(line)")
        }
        #expect(lines.first { $0.hasPrefix("3/3 ") } == "3/3 side.left, 0:00 left")
        let again = try Program.run(["packs", "speak", list, "-o", pack, "word.cat", "--engine", "espeak-ng"])
        #expect(again.status == 0 && again.error == "1/1 word.cat, 0:00 left\n", "\(again.error)")
    }

    /// At a terminal the progress is one line, redrawn, and taken away
    /// before each prompt's own line, which stands on a line of its own.
    @Test func speakRedrawsOneLineOfProgressAtATerminal() throws {
        let list = try promptList()
        let terminal = try PseudoTerminal()
        let errors = FileHandle(fileDescriptor: terminal.slave)
        let program = try terminal.start(["packs", "speak", list, "-o", folder + "/terminal", "--engine", "espeak-ng"], errors: errors)
        program.waitUntilExit()
        #expect(program.terminationStatus == 0)
        let deadline = Date().addingTimeInterval(5)
        while !terminal.output.contains("pack.yaml\r\n") && Date() < deadline { usleep(10_000) }
        let raw = terminal.output
        #expect(["1/3 hold.still, ", "2/3 word.cat, ", "3/3 side.left, 0:00 left\r\n"].allSatisfy { raw.contains("\r\u{1B}[K" + $0) }, "\(raw)")
        // What is left on the screen: each line as its last redraw has it.
        let screen = raw.components(separatedBy: "\r\n").map { $0.components(separatedBy: "\r\u{1B}[K").last ?? "" }
        #expect(screen.count == 6, "\(screen)")
        for (line, id) in zip(screen, ["hold.still", "word.cat", "side.left"]) {
            #expect(line.hasPrefix("\(id): ") && line.hasSuffix(" s"), "\(screen)")
        }
        #expect(screen.dropFirst(3).first == "3/3 side.left, 0:00 left" && screen.dropFirst(4).first?.hasPrefix("wrote ") == true, "\(screen)")
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

    /// Devices for `packs record`: `cap`, whose capture reads `spoken`
    /// (mono 48 kHz) after half a second of silence and before 2.5 s of it,
    /// and `tap`, which takes what is played.
    func recordingDevices(_ spoken: [Int16]) throws -> [String: String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let silence = { (seconds: Double) in [Int16](repeating: 0, count: Int(seconds * 48_000)) }
        let samples = silence(0.5) + spoken + silence(2.5)
        try samples.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: folder + "/microphone.raw")) }
        let configuration = folder + "/asoundrc"
        try """
            pcm.cap { type file; slave.pcm null; file "/dev/null"; infile "\(folder)/microphone.raw"; format raw }
            pcm.tap { type file; slave.pcm null; file "\(folder)/tap.wav"; format wav }

            """.write(toFile: configuration, atomically: true, encoding: .utf8)
        return ["ALSA_CONFIG_PATH": "/usr/share/alsa/alsa.conf:\(configuration)"]
    }

    @Test func recordKeepsRedoesAndSkipsByKeyAndWritesTheSpokenTakeTrimmedAndLevelled() throws {
        // A take 20 dB under the voice's level: the built-in "Left side." at 48 kHz.
        let source = try SoundFile.read(Repository.voiceFolder + "/side.left.wav", rate: 48_000)
        let environment = try recordingDevices(source.samples.map { Int16(Float($0) * 0.1) })
        let list = folder + "/record.txt"
        try "side.left | Left side.\nside.right | Now the right side.\nmy.own | Something of my own.\n"
            .write(toFile: list, atomically: true, encoding: .utf8)
        let pack = folder + "/mine"
        let arguments = ["packs", "record", pack, "--prompts", list, "-D", "tap", "--capture", "cap"]
        // The first prompt recorded twice and kept, the second skipped, the third kept.
        let first = try Program.run(arguments, environment: environment, input: "r n ")
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.components(separatedBy: "space: keep").count == 5, "four takes heard back: \(first.output)")
        #expect(first.output.hasSuffix("2 takes kept in \(pack)\n"), "\(first.output)")
        let manifest = try String(contentsOfFile: pack + "/pack.yaml", encoding: .utf8)
        #expect(manifest.contains("side.left: {file: \"side.left.wav\", text: \"Left side.\"}"), "\(manifest)")
        #expect(manifest.contains("my.own: ") && !manifest.contains("side.right"), "\(manifest)")
        #expect(!FileManager.default.fileExists(atPath: pack + "/side.right.wav"))

        // The kept take is the spoken one: the same waveform, levelled to the voice, with 60 ms of air.
        let take = try WAV(path: pack + "/side.left.wav")
        #expect(take.sampleRate == 24_000 && take.channels == 1)
        let loudness = try Loudness(ofFile: pack + "/side.left.wav")
        #expect(abs(loudness.integrated - Loudness.voiceTarget) < 0.5, "\(loudness.integrated) LUFS")
        let spoken = try SoundFile.read(Repository.voiceFolder + "/side.left.wav", rate: 24_000).samples.map { Float($0) / 32767 }
        let words = try #require(VoiceTake.spokenFrames(spoken, rate: 24_000))
        let recorded = take.samples
        let recordedWords = try #require(VoiceTake.spokenFrames(recorded, rate: 24_000))
        #expect(abs(recordedWords.count - words.count) <= 480, "\(recordedWords.count) frames of words against \(words.count)")
        #expect(abs(recordedWords.lowerBound - Int(VoiceTake.air * 24_000)) <= 240, "air before: \(recordedWords.lowerBound)")
        let similarity = Self.bestCorrelation(Array(recorded[recordedWords]), Array(spoken[words]), lags: -240...240)
        #expect(similarity > 0.95, "correlation with what was spoken: \(similarity)")
        #expect(try Program.run(["packs", "check", pack]).status == 0)

        // Again: only the prompt without a take is offered; q stops and changes nothing.
        let again = try Program.run(arguments, environment: environment, input: "q")
        #expect(again.status == 0, "\(again.error)")
        #expect(again.output.hasPrefix("[1/1] side.right: Now the right side.\n"), "\(again.output)")
        #expect(try String(contentsOfFile: pack + "/pack.yaml", encoding: .utf8) == manifest)
    }

    @Test func recordWritesOnlyIntoAPackItMade() throws {
        let environment = try recordingDevices([])
        let exported = folder + "/exported"
        #expect(try Program.run(["packs", "export", exported]).status == 0)
        let refused = try Program.run(["packs", "record", exported, "-D", "tap", "--capture", "cap"], environment: environment, input: " ")
        #expect(refused.status == 1 && refused.error.contains("not made by `stretchcue packs record`"), "\(refused.error)")
        let unknown = try Program.run(["packs", "record", folder + "/new", "nope", "--capture", "cap"], environment: environment)
        #expect(unknown.status == 2 && unknown.error.contains("no prompt 'nope'"), "\(unknown.error)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/new"))
    }

    /// The largest normalized correlation of `a` and `b` over `lags`.
    static func bestCorrelation(_ a: [Float], _ b: [Float], lags: ClosedRange<Int>) -> Float {
        lags.map { lag -> Float in
            var products: Float = 0
            var energyA: Float = 0
            var energyB: Float = 0
            for index in 0..<a.count where index + lag >= 0 && index + lag < b.count {
                products += a[index] * b[index + lag]
                energyA += a[index] * a[index]
                energyB += b[index + lag] * b[index + lag]
            }
            return products / max(1e-9, (energyA * energyB).squareRoot())
        }.max() ?? 0
    }
}

import Foundation
import TestSupport
import Testing

/// Hostile routine files, sound files and chime packs: each must give one
/// documented error line on standard error and exit 2, on `plan` and on
/// `render`, and `render` must leave its output folder exactly as it was.
///
/// Every fixture is written at run time into a temporary folder.
@Suite struct HostileInputTests {
    @Test(arguments: HostileInput.routineFiles)
    func routineFile(_ input: HostileInput) throws { try Self.check(input) }

    @Test(arguments: HostileInput.soundFiles)
    func soundFile(_ input: HostileInput) throws { try Self.check(input) }

    /// A WAV whose `data` chunk claims 1 s but holds 0.1 s: libsndfile counts
    /// the frames really there, so the prompt is 0.1 s long and renders.
    @Test func aTruncatedDataChunkPlaysWhatItHolds() throws {
        let wav = Bytes.wav(frames: 4_800, claimedDataSize: 96_000)
        let workspace = try Workspace(files: ["r.yaml": Bytes.text(pose(prompt: "x.wav", "hold: 1")), "x.wav": wav])
        defer { workspace.remove() }

        let plan = try Program.run(["plan", workspace.input + "/r.yaml", "--json"] + voice, environment: quiet)
        #expect(plan.status == 0, "\(plan.error)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any])
        let cues = try #require(json["cues"] as? [[String: Any]])
        let prompt = try #require(cues.first { ($0["prompt"] as? String)?.hasSuffix("/x.wav") == true })
        #expect(prompt["length"] as? Int == 4_800)

        let render = try Program.run(["render", workspace.input + "/r.yaml", "-o", workspace.target] + voice, environment: quiet)
        #expect(render.status == 0, "\(render.error)")
        #expect(render.error.hasPrefix("stretchcue: wrote "))
        let frames = try #require(json["frames"] as? Int)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: workspace.target)[.size] as? Int)
        #expect(size == 44 + frames * 4)
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.output) == ["session.wav"])
    }

    /// The fixtures are hostile only where meant to be: the same routine with
    /// a well-formed WAV plans, and a routine of exactly 1 MiB is not too large.
    @Test func theFixturesAreOtherwiseValid() throws {
        let routine = pose(prompt: "x.wav")
        let padded = Bytes.text(routine) + Bytes.text("#" + String(repeating: "-", count: (1 << 20) - routine.utf8.count - 2) + "\n")
        #expect(padded.count == 1 << 20)
        let workspace = try Workspace(files: ["r.yaml": Bytes.text(routine), "big.yaml": padded, "x.wav": Bytes.wav()])
        defer { workspace.remove() }
        for file in ["r.yaml", "big.yaml"] {
            let plan = try Program.run(["plan", workspace.input + "/" + file] + voice, environment: quiet)
            #expect(plan.status == 0, "\(file): \(plan.error)")
        }
    }

    /// Runs `plan` and `render` on `input` and checks the error line, the
    /// exit code and the output folder.
    static func check(_ input: HostileInput) throws {
        let workspace = try Workspace(files: input.files)
        defer { workspace.remove() }
        let routine = workspace.expand(input.routine)
        let flags = input.flags.map(workspace.expand) + voice
        let expectedPrefix = workspace.expand(input.prefix)

        let plan = try Program.run(["plan", routine] + flags, environment: quiet)
        #expect(plan.status == 2, "plan exited \(plan.status): \(plan.error)")
        #expect(plan.output.isEmpty)
        expectOneLine(plan.error, startingWith: expectedPrefix, containing: input.phrases)

        let render = try Program.run(["render", routine] + flags + ["-o", workspace.target], environment: quiet)
        #expect(render.status == 2, "render exited \(render.status): \(render.error)")
        #expect(render.error == plan.error, "render and plan differ")
        #expect(FileManager.default.contents(atPath: workspace.target) == Data(Workspace.existing))
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.output) == ["session.wav"])
    }
}

// MARK: - The corpus

/// One hostile input: the files it is made of and the line it must give.
struct HostileInput: Sendable, CustomTestStringConvertible {
    var name: String
    /// Files written into the input folder, by path relative to it.
    var files: [String: [UInt8]]
    /// The routine argument; `{in}` stands for the input folder.
    var routine = "{in}/r.yaml"
    /// More arguments, with `{in}` too.
    var flags: [String] = []
    /// How the line begins; `{in}` and `{voice}` stand for the input and voice folders.
    var prefix: String
    /// What the line must say, what was expected: one of these.
    var phrases: [String]

    var testDescription: String { name }

    /// `r.yaml` holding `yaml`, wrong at `line:column`.
    static func yaml(_ name: String, _ yaml: String, at line: Int, _ column: Int, _ phrase: String) -> Self {
        Self(name: name, files: ["r.yaml": Bytes.text(yaml)], prefix: "{in}/r.yaml:\(line):\(column): ", phrases: [phrase])
    }

    /// `r.yaml` nested too deep to be a routine. It may be refused for its
    /// depth wherever that is noticed, or read and refused as no routine.
    static func deep(_ name: String, _ yaml: String) -> Self {
        Self(
            name: name, files: ["r.yaml": Bytes.text(yaml)], prefix: "{in}/r.yaml:",
            phrases: ["nested", "YAML syntax", "expected a routine (a mapping of keys to values), found a list"])
    }

    /// `r.yaml` holding `bytes`, wrong as a whole (no line or column).
    static func file(_ name: String, _ bytes: [UInt8], _ phrase: String) -> Self {
        Self(name: name, files: ["r.yaml": bytes], prefix: "{in}/r.yaml: ", phrases: [phrase])
    }

    /// A routine whose one prompt (line 5, column 13) is the sound file `file`.
    static func sound(_ name: String, file: String, _ bytes: [UInt8], _ phrase: String) -> Self {
        Self(
            name: name, files: ["r.yaml": Bytes.text(pose(prompt: file)), file: bytes],
            prefix: "{in}/r.yaml:5:13: {in}/\(file): ", phrases: [phrase])
    }

    /// The built-in routine with a chime pack whose `chime.start.wav` is `bytes`.
    static func chimePack(_ name: String, _ bytes: [UInt8], _ phrase: String) -> Self {
        Self(
            name: name, files: ["chimes/chime.start.wav": bytes], routine: "back-tension",
            flags: ["--chimes", "{in}/chimes"], prefix: "{in}/chimes/chime.start.wav: ", phrases: [phrase])
    }

    static let routineFiles: [HostileInput] = [
        // The file as a whole.
        .file("empty file", [], "the file is empty; expected a routine"),
        .file("only whitespace and comments", Bytes.text("  \n# nothing here\n\n   # still nothing\n"), "the file is empty"),
        .file("not UTF-8", Bytes.text("name: ") + [0xFF, 0xFE, 0xC3, 0x28] + Bytes.text("\nposes: []\n"), "not UTF-8 text"),
        .file("a NUL byte", Bytes.text("name: a") + [0] + Bytes.text("b\nposes: []\n"), "expected a routine file (YAML text)"),
        HostileInput(name: "a directory", files: [:], routine: "{in}", prefix: "{in}: ", phrases: ["not a regular file"]),
        HostileInput(
            name: "a missing path", files: [:], routine: "{in}/missing.yaml", prefix: "{in}/missing.yaml: ",
            phrases: ["cannot read the routine: No such file or directory"]),
        .file(
            "over 1 MiB", Bytes.text(pose() + String(repeating: "#", count: 1 << 20)),
            "bytes is too large for a routine; expected at most 1 MiB"),

        // YAML itself.
        .yaml(
            "unclosed [", "name: Hostile\nposes: [\n  {id: a, name: A, prompt: pose.cobra}\n", at: 4, 1,
            "YAML syntax: did not find expected ',' or ']'"),
        .yaml("bad indentation", "name: Hostile\n rounds: 2\nposes: []\n", at: 2, 8, "YAML syntax: mapping values are not allowed"),
        .yaml("tab indentation", "name: Hostile\nposes:\n\t- id: a\n", at: 3, 1, "YAML syntax: found character that cannot start any token"),
        .yaml("two documents", "name: Hostile\nrounds: 1\n---\nname: Other\n", at: 3, 1, "a second YAML document; expected one routine per file"),
        .yaml("an alias", "name: &a Hostile\nrounds: *a\nposes: []\n", at: 2, 9, "YAML aliases (*name) are not supported"),
        .yaml("a list at the top", "- name: Hostile\n", at: 1, 1, "expected a routine (a mapping of keys to values), found a list"),
        .yaml(
            "a control character", "name: Hostile\nrounds: 1\u{7F}\nposes: []\n", at: 2, 10, "control characters are not allowed"),

        // Keys.
        .yaml(
            "unknown top-level key", "name: Hostile\ncolour: red\nposes: []\n", at: 2, 1,
            "unknown key 'colour' in a routine; expected one of: name, rounds,"),
        .yaml("unknown pose key", pose("colour: red"), at: 6, 5, "unknown key 'colour' in a pose; expected one of: id, name, prompt,"),
        .yaml("duplicate key", "name: Hostile\nrounds: 1\nrounds: 2\nposes: []\n", at: 3, 1, "key 'rounds' appears twice; expected it once"),

        // Wrong types.
        .yaml("name as a list", "name: [Hostile]\nposes: []\n", at: 1, 7, "expected text, found a list"),
        .yaml("rounds as a word", top("rounds: three"), at: 2, 9, "rounds must be a whole number from 1 to 9; found 'three'"),
        .yaml("hold quoted", top("hold: \"30\""), at: 2, 7, "a hold must be a number of seconds, 1 to 1800 seconds; found '30'"),
        .yaml("sides as a string", pose("sides: left"), at: 6, 12, "sides must be a list of sides from: left, right, both"),
        .yaml("breathing as a number", top("breathing: 4"), at: 2, 12, "breathing must be \"IN:OUT\" or \"IN:HOLD:OUT:HOLD\""),

        // Out of range.
        .yaml("rounds 0", top("rounds: 0"), at: 2, 9, "rounds of 0 is out of range; expected 1 to 9"),
        .yaml("rounds 10", top("rounds: 10"), at: 2, 9, "rounds of 10 is out of range; expected 1 to 9"),
        .yaml("hold -5", top("hold: -5"), at: 2, 7, "a hold of -5 s is out of range; expected 1 to 1800 seconds"),
        .yaml("hold 0", top("hold: 0"), at: 2, 7, "a hold of 0 s is out of range; expected 1 to 1800 seconds"),
        .yaml("hold 1801", top("hold: 1801"), at: 2, 7, "a hold of 1801 s is out of range; expected 1 to 1800 seconds"),
        .yaml("hold .inf", top("hold: .inf"), at: 2, 7, "a hold must be a number of seconds, 1 to 1800 seconds; found '.inf'"),
        .yaml("hold .nan", top("hold: .nan"), at: 2, 7, "a hold must be a number of seconds, 1 to 1800 seconds; found '.nan'"),
        .yaml("breaths 0", pose("breaths: 0"), at: 6, 14, "breaths of 0 is out of range; expected 1 to 200"),
        .yaml(
            "a session of 61 days", longest, at: 67, 13,
            "the session passes 24 hours at pose 'p16' of round 1; expected at most 24 hours"),
        .yaml("breathing 0:6", top("breathing: \"0:6\""), at: 2, 12, "inhale and exhale must each last 0.5 to 30 seconds"),
        .yaml("breathing 4:6:8", top("breathing: \"4:6:8\""), at: 2, 12, "breathing must be \"IN:OUT\" or \"IN:HOLD:OUT:HOLD\""),

        // Poses.
        .yaml("no poses", "name: Hostile\nposes: []\n", at: 2, 8, "`poses` is empty; expected at least one pose"),
        .yaml("pose without prompt", "name: Hostile\nposes:\n  - id: a\n    name: A\n", at: 3, 5, "a pose needs `prompt`"),
        .yaml("hold and breaths", pose("hold: 10", "breaths: 3"), at: 6, 11, "has both `hold` and `breaths`; expected one of them"),
        .yaml("on_inhale on a held pose", pose("on_inhale: word.cow"), at: 6, 16, "expected `breaths` in this pose"),
        .yaml(
            "duplicate pose ids", pose() + "  - id: a\n    name: B\n    prompt: pose.cobra\n", at: 6, 5,
            "pose id 'a' is used twice; expected each id once"),
        .yaml("unknown side", pose("sides: [left, up]"), at: 6, 19, "unknown side 'up'; expected left, right or both"),
        .yaml("a side twice", pose("sides: [left, right, left]"), at: 6, 26, "side 'left' is listed twice"),
        .yaml("no sides", pose("sides: []"), at: 6, 12, "empty"),
        .yaml(
            "side prompt for an unlisted side", pose("sides: [left]", "side_prompts:", "  right: side.right"), at: 8, 7,
            "a prompt for side 'right', which `sides` does not list"),
        .yaml("missing prompt file", pose(prompt: "gone.wav"), at: 5, 13, "prompt file 'gone.wav' not found; expected a sound file at"),
        HostileInput(
            name: "missing voice id", files: ["r.yaml": Bytes.text(pose(prompt: "pose.nothing"))],
            prefix: "{in}/r.yaml:5:13: {voice}/pose.nothing.wav: ",
            phrases: ["voice prompt 'pose.nothing' is not in the voice pack; expected pose.nothing.wav, .flac or .ogg"]),

        // Text that must not break the one line.
        .yaml("a line break in a value", top("rounds: \"1\\n2\""), at: 2, 9, "rounds must be a whole number from 1 to 9"),
        .yaml("a line break in a key", "name: Hostile\n\"col\\nour\": red\nposes: []\n", at: 2, 1, "expected one of: name,"),
        .yaml(
            "a line break in a pose id", "name: Hostile\nposes:\n  - id: \"a\\nb\"\n    name: A\n    prompt: pose.cobra\n",
            at: 3, 9, "expected a short id like `cobra`"),
        .yaml("a line break in a voice id", pose(prompt: "\"pose\\nnothing\""), at: 5, 13, "is not in the voice pack"),

        // Size.
        .deep("10000 [ unclosed", String(repeating: "[", count: 10_000) + "\n"),
        .deep("10000 [ closed", String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"),
        .deep("500000 [ closed", String(repeating: "[", count: 500_000) + String(repeating: "]", count: 500_000) + "\n"),
        .deep("500000 { closed", "name: " + String(repeating: "{a: ", count: 200_000) + "1" + String(repeating: "}", count: 200_000)),
        .deep("300000 - on one line", String(repeating: "- ", count: 300_000) + "x\n"),
        .deep(
            "500000 [ after an escaped quote",
            "name: \"\\\\\"\nposes: " + String(repeating: "[", count: 500_000) + String(repeating: "]", count: 500_000)),
        .yaml(
            "a very long line", "name: \"" + String(repeating: "x", count: 600_000) + "\" junk\nposes: []\n", at: 1, 600_010,
            "YAML syntax: did not find expected key"),
        .yaml(
            "a very long number", top("rounds: " + String(repeating: "9", count: 600_000)), at: 2, 9,
            "rounds must be a whole number from 1 to 9; found '999"),
    ]

    static let soundFiles: [HostileInput] = [
        .sound("zero bytes", file: "x.wav", [], "not a readable sound file"),
        .sound("text named .wav", file: "x.wav", Bytes.text("hello, I am not a sound\n"), "not a readable sound file"),
        .sound("header cut mid-header", file: "x.wav", Array(Bytes.wav().prefix(30)), "not a readable sound file"),
        .sound("no frames", file: "x.wav", Bytes.wav(frames: 0), "has no audio frames; expected a sound of at least one frame"),
        .sound("9 channels", file: "x.wav", Bytes.wav(channels: 9), "has 9 channels; expected 1 to 8"),
        .sound("1 Hz", file: "x.wav", Bytes.wav(rate: 1), "has a sample rate of 1 Hz; expected 1000 to 384000 Hz"),
        .sound("10 MHz", file: "x.wav", Bytes.wav(rate: 10_000_000), "has a sample rate of 10000000 Hz; expected 1000 to 384000 Hz"),
        .sound("noise named .flac", file: "x.flac", Bytes.noise(4096, seed: 1), "not a readable sound file"),
        .sound("noise named .ogg", file: "x.ogg", Bytes.noise(4096, seed: 2), "not a readable sound file"),
        .chimePack("chime pack with a text chime", Bytes.text("ding\n"), "not a readable sound file"),
        .chimePack("chime pack with a 9-channel chime", Bytes.wav(channels: 9), "has 9 channels; expected 1 to 8"),
    ]
}

// MARK: - Helpers

/// Flags every run gets: the repository's voice pack, so its path in errors is known.
private let voice = ["--voice", Repository.voiceFolder]

/// No crash report on standard error: a crash shows as its signal in the exit status.
private let quiet = ["SWIFT_BACKTRACE": "enable=no"]

/// A routine with one pose whose prompt (line 5, column 13) is `prompt`,
/// then `lines` as further keys of that pose (from line 6, column 5).
private func pose(prompt: String = "pose.cobra", _ lines: String...) -> String {
    "name: Hostile\nposes:\n  - id: a\n    name: A\n    prompt: \(prompt)\n" + lines.map { "    \($0)\n" }.joined()
}

/// Every limit at its largest: 100 poses of three 30-minute holds, nine rounds (61 days).
private let longest =
    "name: Long\nrounds: 9\nhold: 1800\nposes:\n"
    + (1...100).map { "  - id: p\($0)\n    name: P\($0)\n    prompt: pose.cobra\n    sides: [left, right, both]\n" }.joined()

/// A routine whose second line is `line`, and whose `poses` are never reached.
private func top(_ line: String) -> String { "name: Hostile\n\(line)\nposes: []\n" }

/// Checks that `error` is exactly one short line that begins with `prefix`
/// and contains one of `phrases`.
private func expectOneLine(
    _ error: String, startingWith prefix: String, containing phrases: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let bytes = Array(error.utf8)
    #expect(bytes.last == 0x0A, "not ended by a line break: \(error.debugDescription)", sourceLocation: sourceLocation)
    #expect(
        bytes.filter { $0 == 0x0A || $0 == 0x0D }.count == 1, "not one line: \(error.debugDescription)",
        sourceLocation: sourceLocation)
    #expect(bytes.count <= 1_000, "a line of \(bytes.count) bytes", sourceLocation: sourceLocation)
    #expect(error.hasPrefix(prefix), "\(error.debugDescription) does not begin with \(prefix)", sourceLocation: sourceLocation)
    #expect(
        phrases.contains { error.contains($0) }, "\(error.debugDescription) does not say \(phrases)",
        sourceLocation: sourceLocation)
}

/// A temporary folder with `in/` (the fixtures) and `out/` (holding a
/// `session.wav` of known bytes that a failed render must leave alone).
private struct Workspace {
    let root = Repository.temporaryFolder("stretchcue-hostile")
    var input: String { root + "/in" }
    var output: String { root + "/out" }
    var target: String { output + "/session.wav" }

    /// What `out/session.wav` holds before each render.
    static let existing = Bytes.text("an earlier render, to be kept\n")

    init(files: [String: [UInt8]]) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: output, withIntermediateDirectories: true)
        try Data(Self.existing).write(to: URL(fileURLWithPath: target))
        try manager.createDirectory(atPath: input, withIntermediateDirectories: true)
        for (name, bytes) in files {
            let path = input + "/" + name
            try manager.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
    }

    /// `text` with `{in}` and `{voice}` replaced by their folders.
    func expand(_ text: String) -> String {
        text.replacingOccurrences(of: "{in}", with: input).replacingOccurrences(of: "{voice}", with: Repository.voiceFolder)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// File contents made by hand.
enum Bytes {
    static func text(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// A 16-bit PCM WAV: `RIFF` size `WAVE`, a `fmt ` chunk and a `data` chunk
    /// of `frames` frames of a quiet ramp. `claimedDataSize` is what the
    /// header says the data holds, when it should lie.
    static func wav(rate: UInt32 = 48_000, channels: UInt16 = 1, frames: Int = 4_800, claimedDataSize: UInt32? = nil) -> [UInt8] {
        let blockAlign = channels * 2
        let samples = (0..<frames * Int(channels)).map { Int16($0 % 200) * 40 - 4_000 }
        let data = samples.flatMap { little($0) }
        let dataSize = claimedDataSize ?? UInt32(data.count)
        let format = little(UInt16(1)) + little(channels) + little(rate) + little(rate &* UInt32(blockAlign))
            + little(blockAlign) + little(UInt16(16))
        return text("RIFF") + little(UInt32(4 + 8 + format.count + 8) + dataSize) + text("WAVE")
            + text("fmt ") + little(UInt32(format.count)) + format
            + text("data") + little(dataSize) + data
    }

    /// `count` bytes of a fixed xorshift sequence: noise, the same on every run.
    static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    /// An integer's bytes, least significant first.
    static func little<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}

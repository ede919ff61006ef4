import Foundation
import Packs
import Routines
import TestSupport
import Testing

/// Sound packs as their makers write them, and as strangers might: every
/// mistake one `FILE:LINE:COLUMN` line naming what was expected, every
/// path kept inside its pack, every limit held.
@Suite struct PackTests {
    let folder = Repository.temporaryFolder("stretchcue-packs")

    /// Writes a pack named `name` with `manifest`, and the sound files it names.
    @discardableResult
    func pack(_ name: String, _ manifest: String, files: [String] = ["bowl.wav", "a.wav", "b.wav"]) throws -> String {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(atPath: path + "/sub", withIntermediateDirectories: true)
        for file in files { try WAV.writeTone(path + "/" + file, seconds: 0.2) }
        try manifest.write(toFile: path + "/pack.yaml", atomically: true, encoding: .utf8)
        return path
    }

    static let good = """
        format: 1
        name: Bowls
        author: Someone
        license: CC-BY-4.0
        description: A bowl, softly.
        language: en-GB
        gain_db: -2
        sounds:
          bell.start: bowl.wav
          chime.start: {file: a.wav, gain_db: 1.5}
          pose.cobra: {file: a.wav, text: "Cobra. Lie on your front."}
          chime.end:
            files:
              - {path: a.wav, weight: 3}
              - {path: b.wav, gain_db: -1}
        """

    @Test func aPackReadsAsWritten() throws {
        let path = try pack("bowls", Self.good)
        let pack = try Pack.load(folder: path)
        #expect(pack.name == "Bowls" && pack.author == "Someone" && pack.license == "CC-BY-4.0" && pack.language == "en-GB")
        #expect(pack.gain == -2 && pack.inherits.isEmpty && pack.sounds.count == 4)
        let real = try #require(Self.realPath(path))
        #expect(pack.sounds["bell.start"]?.variants == [
            PackEntry.Variant(
                path: real + "/bowl.wav", gain: 0, weight: 1, location: SourceLocation(file: real + "/pack.yaml", line: 9, column: 15))
        ])
        #expect(pack.sounds["chime.start"]?.variants.first?.path == real + "/a.wav")
        #expect(pack.sounds["chime.start"]?.variants.first?.gain == 1.5)
        #expect(pack.sounds["pose.cobra"]?.text == "Cobra. Lie on your front.")
        #expect(pack.sounds["chime.end"]?.variants.map(\.weight) == [3, 1])
        #expect(pack.sounds["chime.end"]?.location.line == 13)
        #expect(pack.sounds["chime.end"]?.variants.map(\.location.line) == [14, 15], "each variant where its file is named")
    }

    @Test(arguments: [
        ("format: 1\nname: x\nlicense: MIT\nsounds: {a: [", ":5:1: YAML syntax"),
        ("format: 1\nname: x\nlicense: MIT\nsounds: {}\ncolour: red\n", ":5:1: unknown key 'colour' in a pack manifest; expected one of: format, name"),
        ("format: 2\nname: x\nlicense: MIT\nsounds: {}\n", ":1:9: format '2' is not known; expected format: 1"),
        ("format: 1\nname: x\nsounds: {}\n", ":1:1: a pack manifest needs `license`"),
        ("format: 1\nname: x\nlicense: \"MIT; rm -rf\"\nsounds: {}\n", ":3:10: license 'MIT; rm -rf' is not an SPDX id"),
        ("format: 1\nname: x\nlicense: CC BY 3.0\nsounds: {}\n", ":3:10: license 'CC BY 3.0' is not an SPDX id; did you mean CC-BY-3.0? expected one like"),
        ("format: 1\nname: x\nlicense: MIT OR\nsounds: {}\n", ":3:10: license 'MIT OR' is not an SPDX id; expected one like"),
        ("format: 1\nname: x\nlicense: MIT\nlanguage: english please\nsounds: {}\n", ":4:11: language 'english please' is not a BCP-47 tag"),
        ("format: 1\nname: x\nlicense: MIT\nsounds: {Bell: a.wav}\n", ":4:10: unknown key 'Bell' in sounds; expected a cue kind"),
        ("format: 1\nname: x\nlicense: MIT\nsounds: {a: /etc/passwd}\n", ":4:13: '/etc/passwd' is an absolute path; expected a path inside the pack's folder"),
        ("format: 1\nname: x\nlicense: MIT\nsounds: {a: ../other/a.wav}\n", ":4:13: '../other/a.wav' leads out with `..`"),
        ("format: 1\nname: x\nlicense: MIT\nsounds: {a: out.wav}\n", ":4:13: 'out.wav' is a link out of the pack"),
        ("format: 1\nname: x\nlicense: MIT\nsounds: {a: missing.wav}\n", ":4:13: 'missing.wav' not found"),
        ("format: 1\nname: x\nlicense: MIT\nsounds: {a: sub}\n", ":4:13: 'sub' is a folder, not a regular file"),
        ("format: 1\nname: x\nlicense: MIT\nsounds: {a: a.wav, a: b.wav}\n", ":4:20: key 'a' appears twice"),
        ("format: 1\nname: x\nlicense: MIT\nsounds: {a: {file: a.wav, files: [{path: b.wav}]}}\n", "a sound has both `file` and `files`"),
        ("format: 1\nname: x\nlicense: MIT\nsounds: {a: {text: hello}}\n", ":4:13: a sound needs `file` or `files`"),
        ("format: 1\nname: x\nlicense: MIT\nsounds: {a: {files: []}}\n", "0 variants; expected 1 to 16"),
        ("format: 1\nname: x\nlicense: MIT\nsounds: {a: {files: [{path: a.wav, weight: 0}]}}\n", "weight of 0 is out of range; expected 1 to 100"),
        ("format: 1\nname: x\nlicense: MIT\ngain_db: 40\nsounds: {}\n", ":4:10: gain_db of 40 is out of range; expected -30 to 12"),
        ("format: 1\nname: x\nlicense: MIT\nsounds: {a: {files: [{path: a.wav}], gain_db: 2}}\n", "gain_db goes with each of `files`"),
        ("format: 1\nname: x\nlicense: MIT\nsounds: [a.wav]\n", ":4:9: expected sounds (a mapping of keys to values), found a list"),
        ("format: 1\nname: x\nlicense: MIT\ninherits: other\nsounds: {}\n", ":4:11: inherits must be a list, found 'other'"),
    ])
    func aBrokenManifestIsOneLineNamingWhereAndWhatWasExpected(manifest: String, message: String) throws {
        let path = try pack("broken", manifest)
        try? FileManager.default.createSymbolicLink(atPath: path + "/out.wav", withDestinationPath: folder + "/elsewhere.wav")
        try WAV.writeTone(folder + "/elsewhere.wav", seconds: 0.1)
        #expect {
            try Pack.load(folder: path)
        } throws: { error in
            let line = (error as? InputError)?.description ?? ""
            return line.contains("/broken/pack.yaml") && line.contains(message) && !line.contains("\n")
        }
    }

    @Test(arguments: ["MIT", "CC0-1.0", "GPL-3.0-or-later", "GPL-2.0+", "(MIT OR Apache-2.0)", "Apache-2.0 WITH LLVM-exception"])
    func anSPDXExpressionIsALicence(license: String) throws {
        let path = try pack("licensed", "format: 1\nname: x\nlicense: \"\(license)\"\nsounds: {}\n")
        #expect(try Pack.load(folder: path).license == license)
    }

    @Test func limitsAreRefusedNamingTheLimit() throws {
        let many = (0...Pack.Limits.entries).map { "  k\($0): a.wav" }.joined(separator: "\n")
        let path = try pack("many", "format: 1\nname: x\nlicense: MIT\nsounds:\n" + many + "\n")
        #expect {
            try Pack.load(folder: path)
        } throws: { error in
            (error as? InputError)?.description.contains("1001 sounds; expected at most 1000") == true
        }
        let variants = (0...Pack.Limits.variants).map { _ in "{path: a.wav}" }.joined(separator: ", ")
        let wide = try pack("wide", "format: 1\nname: x\nlicense: MIT\nsounds: {a: {files: [\(variants)]}}\n")
        #expect(throws: InputError.self) { try Pack.load(folder: wide) }
        // A folder without a manifest, and no folder at all.
        try FileManager.default.createDirectory(atPath: folder + "/empty", withIntermediateDirectories: true)
        #expect {
            try Pack.load(folder: folder + "/empty")
        } throws: { error in
            (error as? InputError)?.description.hasSuffix("/empty/pack.yaml: missing; expected a pack manifest in the pack's folder") == true
        }
        #expect(throws: InputError.self) { try Pack.load(folder: folder + "/nowhere") }
    }

    static func manifest(_ name: String, inherits: [String] = [], sounds: [String: String]) -> String {
        let list = inherits.map { "\"\($0)\"" }.joined(separator: ", ")
        let entries = sounds.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }.joined(separator: "\n")
        return "format: 1\nname: \(name)\nlicense: CC0-1.0\ninherits: [\(list)]\nsounds:\n\(entries.isEmpty ? "  {}" : entries)\n"
    }

    @Test func theFirstPackThatHasASoundWinsThenWhatItInherits() throws {
        try pack("base", Self.manifest("Base", sounds: ["chime.start": "a.wav", "bell.end": "b.wav"]))
        try pack("middle", Self.manifest("Middle", inherits: ["base"], sounds: ["chime.start": "b.wav"]))
        let top = try pack("top", Self.manifest("Top", inherits: ["middle"], sounds: ["bell.start": "bowl.wav"]))
        let library = PackLibrary(folders: [folder])
        let chain = try PackChain([top], library: library)
        #expect(chain.packs.map(\.name) == ["Top", "Middle", "Base"])
        #expect(chain.entry("bell.start")?.pack.name == "Top")
        #expect(chain.entry("chime.start")?.pack.name == "Middle")
        #expect(chain.entry("bell.end")?.pack.name == "Base")
        #expect(chain.entry("chime.switch") == nil)
        // Asked for by name, a pack is found in the library's folders in order.
        let byName = try PackChain(["middle", "top"], library: library)
        #expect(byName.packs.map(\.name) == ["Middle", "Base", "Top"])
    }

    @Test func aCycleADeepChainAndAMissingPackAreRefused() throws {
        try pack("one", Self.manifest("One", inherits: ["two"], sounds: [:]))
        try pack("two", Self.manifest("Two", inherits: ["one"], sounds: [:]))
        let library = PackLibrary(folders: [folder])
        #expect {
            try PackChain(["one"], library: library)
        } throws: { error in
            (error as? InputError)?.description.contains("/one/pack.yaml: inherits itself through one -> two") == true
        }
        for level in 0..<10 {
            try pack("level\(level)", Self.manifest("L\(level)", inherits: level < 9 ? ["level\(level + 1)"] : [], sounds: [:]))
        }
        #expect {
            try PackChain(["level0"], library: library)
        } throws: { error in
            (error as? InputError)?.description.contains("a chain of packs 9 deep; expected at most 8") == true
        }
        let asker = try pack("asker", Self.manifest("Asker", inherits: ["nowhere"], sounds: [:]))
        #expect {
            try PackChain([asker], library: library)
        } throws: { error in
            let line = (error as? InputError)?.description ?? ""
            return line.hasPrefix(asker) && line.contains("pack 'nowhere' not found")
        }
    }

    @Test func packsAreFoundInTheUsersFolderThenTheSystemsThenTheProgramsOwn() {
        let library = PackLibrary(
            environment: ["HOME": "/home/me", "XDG_DATA_DIRS": "/opt/share:/usr/share:relative"], builtIn: "/prog/Sounds/packs")
        #expect(library.folders == [
            "/home/me/.local/share/stretchcue/packs", "/opt/share/stretchcue/packs", "/usr/share/stretchcue/packs",
            "/prog/Sounds/packs",
        ])
        let xdg = PackLibrary(environment: ["XDG_DATA_HOME": "/data", "HOME": "/home/me"], builtIn: nil)
        #expect(xdg.folders == ["/data/stretchcue/packs", "/usr/local/share/stretchcue/packs", "/usr/share/stretchcue/packs"])
    }

    @Test func variantsFollowTheirWeightsTheSameEveryTime() throws {
        let path = try pack("bowls", Self.good)
        let entry = try #require(try Pack.load(folder: path).sounds["chime.end"])
        let picks = (0..<4000).map { entry.variant(key: "chime.end", occurrence: $0, seed: 7) }
        #expect(picks == (0..<4000).map { entry.variant(key: "chime.end", occurrence: $0, seed: 7) })
        let share = Double(picks.filter { $0 == 0 }.count) / 4000
        #expect(abs(share - 0.75) < 0.03, "weight 3 of 4 chosen \(share) of the time")
        let other = (0..<100).map { entry.variant(key: "chime.end", occurrence: $0, seed: 8) }
        #expect(other != Array(picks.prefix(100)), "another seed, another sequence")
    }

    @Test func theLoudnessCacheReadsBackAndForgetsAChangedFile() throws {
        let path = try pack("bowls", Self.good)
        let real = try #require(Self.realPath(path))
        var cache = LoudnessCache(folder: real)
        cache.set(-23.5, peak: -6.25, of: real + "/a.wav")
        try cache.save()
        let again = LoudnessCache(folder: real)
        #expect(again.measure(of: real + "/a.wav")?.loudness == -23.5 && again.measure(of: real + "/a.wav")?.peak == -6.25)
        #expect(again.measure(of: real + "/b.wav") == nil)
        try WAV.writeTone(real + "/a.wav", seconds: 0.3)
        #expect(LoudnessCache(folder: real).measure(of: real + "/a.wav") == nil)
    }

    /// `path` with every link resolved (realpath's buffer freed).
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

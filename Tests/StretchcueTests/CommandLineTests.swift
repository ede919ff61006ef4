import Foundation
import Routines
import TestSupport
import Testing

/// The program as a user runs it: plans, renders, and its exit codes.
@Suite struct CommandLineTests {
    @Test func planJSONDescribesTheWholeSession() throws {
        let result = try Program.run(["plan", "--json"])
        #expect(result.status == 0)
        let plan = try #require(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(plan["sampleRate"] as? Int == 48_000)
        let cues = try #require(plan["cues"] as? [[String: Any]])
        let frames = try #require(plan["frames"] as? Int)
        #expect(cues.first?["kind"] as? String == "bell.start")
        #expect(cues.last?["kind"] as? String == "bell.end")
        for cue in cues {
            let frame = try #require(cue["frame"] as? Int)
            #expect((0..<frames).contains(frame))
            #expect(cue.keys.sorted() == ["frame", "kind", "length", "pose", "prompt", "round", "side"])
        }
    }

    /// All of Foundation (and its locale data) costs `play` about 4 MB of
    /// resident memory; the program may use FoundationEssentials, which
    /// swift-argument-parser brings, and nothing more.
    @Test func theProgramLinksNoFoundationBeyondItsEssentials() throws {
        let ldd = Process()
        ldd.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        ldd.arguments = [Repository.products + "/stretchcue"]
        let pipe = Pipe()
        ldd.standardOutput = pipe
        try ldd.run()
        let libraries = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        ldd.waitUntilExit()
        #expect(ldd.terminationStatus == 0)
        #expect(libraries.contains("libswiftCore"))
        let foundations = libraries.split(separator: "\n").filter { $0.contains("Foundation") || $0.contains("icu") }
        #expect(foundations.allSatisfy { $0.contains("libFoundationEssentials.so") }, "\(foundations)")
    }

    @Test func loudnessMeasuresEachFileAndTheGainToTheTarget() throws {
        let voice = Repository.voiceFolder
        let result = try Program.run(["loudness", voice + "/number.6.wav", voice + "/intro.back-tension.wav", "--target=-23"])
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 2)
        // Both at -20 LUFS: 3 dB down to the target.
        #expect(lines.allSatisfy { $0.contains(": -20.0 LUFS, peak ") && $0.contains(", gain -3.0") && $0.hasSuffix("to -23.0 LUFS") })
        // An unreadable file: exit 2, the file named, nothing measured printed.
        let missing = try Program.run(["loudness", voice + "/number.6.wav", "/nonexistent.wav"])
        #expect(missing.status == 2 && missing.output.isEmpty && missing.error.contains("/nonexistent.wav"))
        #expect(try Program.run(["loudness", "--target=3", voice + "/number.6.wav"]).status == 64)
    }

    @Test func exportedRoutineReadsBackToTheSamePlan() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let exported = try Program.run(["plan", "--export", "back-tension"])
        #expect(exported.status == 0)
        let file = folder + "/mine.yaml"
        try exported.output.write(toFile: file, atomically: true, encoding: .utf8)
        let builtIn = try Program.run(["plan", "--json"])
        let fromFile = try Program.run(["plan", file, "--json"])
        #expect(fromFile.status == 0)
        #expect(fromFile.output == builtIn.output)
    }

    @Test func renderWritesEveryPlannedFrame() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/session.wav"
        let options = ["--pace", "4", "--hold", "8"]
        let render = try Program.run(["render"] + options + ["-o", file])
        #expect(render.status == 0, "\(render.error)")
        let plan = try Program.run(["plan", "--json"] + options)
        let frames = try #require(
            (try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any])?["frames"] as? Int)
        // A WAV header of 44 bytes, then 16-bit stereo frames.
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        #expect(size - 44 == frames * 4)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["session.wav"])
    }

    /// `--ambient-noise` lays the built-in bed under the session at about
    /// -35 LUFS as its two channels carry it (a mono bed's -38 LUFS heard on
    /// both, 18 LU under the voice); `--gain ambient=` moves it and `--mute
    /// ambient` leaves it out.
    @Test func ambientNoiseIsABedUnderTheSession() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let options = ["--pace", "4", "--hold", "8", "--mute", "voice,chime,breath"]
        func loudness(_ extra: [String]) throws -> String {
            let file = folder + "/bed.wav"
            let render = try Program.run(["render"] + options + extra + ["-o", file])
            #expect(render.status == 0, "\(render.error)")
            return try Program.run(["loudness", file]).output
        }
        #expect(try loudness(["--ambient-noise"]).contains(": -35."))
        #expect(try loudness(["--ambient-noise", "--gain", "ambient=-6"]).contains(": -41."))
        #expect(try loudness(["--ambient-noise", "--mute", "voice,chime,breath,ambient"]).contains(": -inf LUFS"))
    }

    /// A routine's `gains` balance its layers; the config's and `--gain` go over them.
    @Test func aRoutinesGainsAreTheBaseTheFlagsGoOver() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let plain = try LiveRoutines.write(to: folder)
        let softer = folder + "/softer.yaml"
        try (String(contentsOfFile: plain, encoding: .utf8) + "\ngains: {chime: -10}\n")
            .write(toFile: softer, atomically: true, encoding: .utf8)
        func loudness(_ routine: String, _ extra: [String] = []) throws -> Double? {
            let file = folder + "/chimes.wav"
            let render = try Program.run(["render", routine, "--mute", "voice,breath", "-o", file] + extra)
            #expect(render.status == 0, "\(render.error)")
            let line = try Program.run(["loudness", file]).output
            return line.split(separator: " ").firstIndex(of: "LUFS,").flatMap { Double(line.split(separator: " ")[$0 - 1]) }
        }
        let base = try #require(try loudness(plain))
        let routineGain = try #require(try loudness(softer))
        let overridden = try #require(try loudness(softer, ["--gain", "chime=0"]))
        #expect(abs(base - routineGain - 10) < 0.2, "\(base) against \(routineGain) LUFS")
        #expect(abs(base - overridden) < 0.05, "\(base) against \(overridden) LUFS")
    }

    @Test(arguments: [
        (["plan", "--rounds", "0"], "--rounds 0 is out of range"),
        (["plan", "--pace", "9"], "--pace 9 is out of range"),
        (["plan", "--breath", "4-6"], "is not IN:OUT"),
        (["render", "--gain", "voice=loud", "-o", "/tmp/x.wav"], "expected a gain from -60 to 12 dB"),
        (["render", "--mute", "drums", "-o", "/tmp/x.wav"], "'drums' is not a layer"),
    ])
    func badOptionsAreUsageErrors(arguments: [String], message: String) throws {
        let result = try Program.run(arguments)
        #expect(result.status == 64)
        #expect(result.error.contains(message), "\(result.error)")
    }

    @Test func anUnknownRoutineNameIsInvalidInput() throws {
        let result = try Program.run(["plan", "back-pain"])
        #expect(result.status == 2)
        #expect(result.error == "back-pain: no such routine; expected a built-in name (back-tension) or a routine file\n")
    }
}

/// Sound packs from the command line: found, checked, exported, played.
@Suite struct PackCommandTests {
    @Test func theShippedPacksAreListedAndCheckClean() throws {
        let list = try Program.run(["packs", "list"])
        #expect(list.status == 0)
        #expect(list.output.contains("default  Stretchcue (built in) (CC0-1.0, en): 22 sounds, 0 prompts"), "\(list.output)")
        #expect(list.output.contains("wood  Soft wood (CC0-1.0): 7 sounds, 0 prompts"), "\(list.output)")
        for pack in ["default", "wood"] {
            let check = try Program.run(["packs", "check", pack, "--routine", "back-tension"])
            #expect(check.status == 0 && check.error.isEmpty, "\(pack): \(check.error)")
            #expect(check.output.contains("chime.start"))
        }
    }

    @Test func checkNamesEveryProblemAndExits2() throws {
        let folder = Repository.temporaryFolder("stretchcue-pack")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A chime with a second of silence before it, a clipped one (named twice), a typo, an ambient
        // sound too short to loop and a routine it cannot cover.
        try WAV.writeTone(folder + "/short.wav", seconds: 0.5)
        let late = [Int16](repeating: 0, count: 48_000) + (0..<4800).map { Int16(8000 * sin(Double($0) / 7)) }
        try WAV.write(folder + "/late.wav", samples: late, rate: 48_000, channels: 1)
        try WAV.write(folder + "/loud.wav", samples: (0..<4800).map { $0 % 100 < 50 ? 32767 : -32767 }, rate: 48_000, channels: 1)
        try """
            format: 1
            name: Rough
            license: CC0-1.0
            sounds:
              chime.start: late.wav
              chime.end: loud.wav
              chime.ending: loud.wav
              ambient: short.wav
            """.write(toFile: folder + "/pack.yaml", atomically: true, encoding: .utf8)
        let routine = folder + "/mine.yaml"
        try "name: Mine\nposes:\n  - id: a\n    name: A\n    prompt: pose.unheard-of\n".write(toFile: routine, atomically: true, encoding: .utf8)
        let check = try Program.run(["packs", "check", folder, "--routine", routine])
        #expect(check.status == 2)
        let problems = check.error.split(separator: "\n")
        #expect(problems.count == 6, "\(check.error)")
        #expect(problems.contains { $0.hasSuffix(":8:12: short.wav lasts 0.50 s, too short to loop; expected 2 s or more") })
        #expect(problems.contains { $0.hasSuffix(":5:16: late.wav starts with 1.00 s of silence; expected at most 0.05 s (trim it)") })
        #expect(problems.contains { $0.contains(":6:14: loud.wav is clipped in") })
        #expect(problems.contains { $0.contains(":7:17: no sound is called 'chime.ending'") })
        #expect(problems.contains { $0.contains("the routine needs 'pose.unheard-of'") })
    }

    /// A key a letter or two from a known one is a typo, named with the key
    /// meant; one far from them all is a prompt of some other routine.
    @Test func aMistypedKeyIsRefusedWithTheKeyItIsNearest() throws {
        let folder = Repository.temporaryFolder("stretchcue-pack")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try WAV.writeTone(folder + "/x.wav", seconds: 0.5)
        try "format: 1\nname: Typo\nlicense: CC0-1.0\nsounds:\n  pose.cobar: x.wav\n  my.own: x.wav\n"
            .write(toFile: folder + "/pack.yaml", atomically: true, encoding: .utf8)
        let check = try Program.run(["packs", "check", folder])
        #expect(check.status == 2)
        #expect(check.error.hasSuffix(
            "/pack.yaml:5:15: no sound or prompt is called 'pose.cobar'; did you mean pose.cobra? "
                + "(expected a key of the built-in voice, or of the routine given with --routine)\n"), "\(check.error)")
        #expect(check.error.split(separator: "\n").count == 1, "\(check.error)")
        #expect(check.output.contains("not asked for by the built-in routine: my.own"), "\(check.output)")
    }

    /// A pack's folder named as it is seen from where one stands, with no `/`, is that folder.
    @Test func aFolderHereIsThePackOfItsName() throws {
        let folder = Repository.temporaryFolder("stretchcue-pack")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/mypack", withIntermediateDirectories: true)
        try WAV.writeTone(folder + "/mypack/x.wav", seconds: 0.5)
        try "format: 1\nname: Mine\nlicense: CC0-1.0\nsounds:\n  tick: x.wav\n"
            .write(toFile: folder + "/mypack/pack.yaml", atomically: true, encoding: .utf8)
        for (name, directory) in [("mypack", folder), (".", folder + "/mypack")] {
            let check = try Program.run(["packs", "check", name], directory: directory)
            #expect(check.status == 0 && check.output.hasPrefix("Mine (CC0-1.0), "), "\(name): \(check.error)")
        }
        // A folder with no manifest, not a pack of the library: its mistake named.
        try FileManager.default.createDirectory(atPath: folder + "/bare", withIntermediateDirectories: true)
        let bare = try Program.run(["packs", "check", "bare"], directory: folder)
        #expect(bare.status == 2 && bare.error.hasSuffix("/bare/pack.yaml: missing; expected a pack manifest in the pack's folder\n"), "\(bare.error)")
    }

    /// The ambient fades in over 4 s: silence at its start is no mistake.
    @Test func anAmbientMayStartWithSilence() throws {
        let folder = Repository.temporaryFolder("stretchcue-pack")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rain = [Int16](repeating: 0, count: 2880) + (0..<144_000).map { Int16(8000 * sin(Double($0) / 7)) }
        try WAV.write(folder + "/rain.wav", samples: rain, rate: 48_000, channels: 1)
        try "format: 1\nname: Rain\nlicense: CC0-1.0\nsounds:\n  ambient: rain.wav\n"
            .write(toFile: folder + "/pack.yaml", atomically: true, encoding: .utf8)
        let check = try Program.run(["packs", "check", folder])
        #expect(check.status == 0 && check.error.isEmpty, "\(check.error)")
        #expect(check.output.contains("silence 0.06/"), "\(check.output)")
    }

    /// The countdown ticks once a second: a longer tick would run into the next.
    @Test func aTickLongerThanTheSecondBetweenTicksIsRefusedWithItsLine() throws {
        let folder = Repository.temporaryFolder("stretchcue-pack")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try WAV.writeTone(folder + "/long.wav", seconds: 1.9)
        try "format: 1\nname: Slow\nlicense: CC0-1.0\nsounds:\n  tick: long.wav\n"
            .write(toFile: folder + "/pack.yaml", atomically: true, encoding: .utf8)
        let line = "/pack.yaml:5:9: long.wav lasts 1.90 s, longer than the 1 s between the countdown's ticks; expected 1 s or less\n"
        let check = try Program.run(["packs", "check", folder])
        #expect(check.status == 2 && check.error.hasSuffix(line) && check.error.split(separator: "\n").count == 1, "\(check.error)")
        let render = try Program.run(["render", "--pack", folder, "--hold", "5", "--countdown", "5", "-o", folder + "/x.wav"])
        #expect(render.status == 2 && render.error.hasSuffix(line), "\(render.error)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/x.wav"))
        let silent = try Program.run(["render", "--pack", folder, "--hold", "5", "--countdown", "0", "-o", folder + "/y.wav"])
        #expect(silent.status == 0, "no countdown, no tick: \(silent.error)")
    }

    /// A render plays no earcons: a pack's earcon too long to answer a key
    /// stops only what plays it, and `check`, each naming its line.
    @Test func anEarconTooLongStopsPlayAndCheckButNotRender() throws {
        let folder = Repository.temporaryFolder("stretchcue-pack")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try WAV.writeTone(folder + "/stop.wav", seconds: 2)
        try "format: 1\nname: Keys\nlicense: CC0-1.0\nsounds:\n  earcon.stop: stop.wav\n"
            .write(toFile: folder + "/pack.yaml", atomically: true, encoding: .utf8)
        let render = try Program.run(["render", "--pack", folder, "--hold", "5", "-o", folder + "/x.wav"])
        #expect(render.status == 0, "\(render.error)")
        let check = try Program.run(["packs", "check", folder])
        #expect(check.status == 2 && check.error.contains("/pack.yaml:5:16: stop.wav lasts 2.00 s, too long to answer a key"), "\(check.error)")
        let play = try Program.run(["play", "--pack", folder, "-D", "nowhere"])
        #expect(play.status == 2, "\(play.error)")
        #expect(play.error.contains("/pack.yaml:5:16: ") && play.error.contains("expected 1.5 s or less"), "\(play.error)")
        #expect(play.error.split(separator: "\n").count == 1, "\(play.error)")
    }

    /// A format libsndfile cannot read (AAC in MP4) is named on its
    /// variant's line, with the formats that do work here.
    @Test func anUnreadableFormatIsNamedOnItsVariantsLineWithTheFormatsThatWork() throws {
        let folder = Repository.temporaryFolder("stretchcue-pack")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try WAV.writeTone(folder + "/a.wav", seconds: 0.5)
        // The start of an MP4 file: its `ftyp` box, brand M4A.
        let mp4 = [0, 0, 0, 0x20] + Array("ftypM4A ".utf8) + [UInt8](repeating: 0, count: 2000)
        try Data(mp4).write(to: URL(fileURLWithPath: folder + "/b.m4a"))
        try "format: 1\nname: Odd\nlicense: CC0-1.0\nsounds:\n  chime.end:\n    files:\n      - {path: a.wav}\n      - {path: b.m4a}\n"
            .write(toFile: folder + "/pack.yaml", atomically: true, encoding: .utf8)
        let check = try Program.run(["packs", "check", folder])
        #expect(check.status == 2)
        let lines = check.error.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("/pack.yaml:8:16: \(folder)/b.m4a: not a readable sound file"), "\(check.error)")
        #expect(lines.first?.contains("; expected a format libsndfile reads here: AIFF, ") == true, "\(check.error)")
        #expect(["FLAC", "OGG", "MPEG-1/2", "CAF", "W64", "WAV"].allSatisfy { lines.first?.contains(", \($0)") == true }, "\(check.error)")
        let render = try Program.run(["render", "--pack", folder, "--hold", "5", "-o", folder + "/x.wav"])
        #expect(render.status == 2 && render.error.contains("/pack.yaml:8:16: "), "\(render.error)")
    }

    /// The breathing tones are made to each breath's length, never taken
    /// from a pack: a pack's breath sound is refused, not quietly unheard.
    @Test func aPacksBreathSoundIsRefusedSinceTheBreathIsBuiltIn() throws {
        let folder = Repository.temporaryFolder("stretchcue-pack")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try WAV.writeTone(folder + "/x.wav", seconds: 0.5)
        try "format: 1\nname: Breath\nlicense: CC0-1.0\nsounds:\n  breath.inhale: x.wav\n  chime.strat: x.wav\n"
            .write(toFile: folder + "/pack.yaml", atomically: true, encoding: .utf8)
        let check = try Program.run(["packs", "check", folder])
        #expect(check.status == 2)
        let lines = check.error.split(separator: "\n")
        #expect(lines.count == 2, "\(check.error)")
        #expect(lines.contains { $0.hasSuffix(
            "/pack.yaml:5:18: a pack cannot bring 'breath.inhale': the breathing tones are built in, made to each breath's length; expected no breath.* key")
        }, "\(check.error)")
        // The keys a pack may use, as the typo's line lists them, name no breath.
        let typo = try #require(lines.first { $0.contains(":6:16: no sound is called 'chime.strat'; did you mean chime.start?") })
        #expect(typo.contains("expected one of ambient, bell.end, ") && !typo.contains("breath."), "\(typo)")
    }

    /// A file too quiet to measure (a hiss at -70 dBFS) is called silent
    /// and refused, not given a gain that would bring its hiss up to a key's level.
    @Test func aSilentFileIsCalledSilentNotAGainItPlaysAt() throws {
        let folder = Repository.temporaryFolder("stretchcue-pack")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try WAV.write(folder + "/hush.wav", samples: (0..<9600).map { $0 % 2 == 0 ? 10 : -10 }, rate: 48_000, channels: 1)
        try "format: 1\nname: Hush\nlicense: CC0-1.0\nsounds:\n  earcon.stop: hush.wav\n"
            .write(toFile: folder + "/pack.yaml", atomically: true, encoding: .utf8)
        let check = try Program.run(["packs", "check", folder])
        #expect(check.status == 2 && check.error.hasSuffix("/pack.yaml:5:16: hush.wav is silent; expected a sound\n"), "\(check.error)")
        let line = try #require(check.output.split(separator: "\n").first { $0.contains("hush.wav") })
        #expect(line.hasSuffix(" dBFS, silent") && !line.contains("plays at"), "\(line)")
    }

    /// `-v` says where each sound comes from: the first pack that has it, else the voice folder or built in.
    @Test func verboseSaysWhereEachSoundComesFrom() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let render = try Program.run(["render", "--pack", "wood", "--hold", "5", "-v", "-o", folder + "/wood.wav"])
        #expect(render.status == 0, "\(render.error)")
        let lines = render.error.split(separator: "\n").map(String.init)
        #expect(lines.first == "sound bell.start: pack 'Soft wood', \(Repository.root)/Sounds/packs/wood/bell.start.wav", "\(lines)")
        #expect(lines.contains("sound pose.cobra: voice folder, \(Repository.voiceFolder)/pose.cobra.wav"), "\(lines)")
        #expect(lines.contains("sound breath.inhale: built in (made to the breath's length)"), "\(lines)")
        #expect(lines.filter { $0.hasPrefix("sound chime.start:") }.count == 1, "each sound once")
    }

    /// `play -v` names where every earcon comes from, a pack's or built in;
    /// a render answers no key and names none.
    @Test func verboseNamesEveryEarconOfASessionThatAnswersKeys() throws {
        let folder = Repository.temporaryFolder("stretchcue-pack")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/keys", withIntermediateDirectories: true)
        try WAV.writeTone(folder + "/keys/stop.wav", seconds: 0.3)
        try "format: 1\nname: Keys\nlicense: CC0-1.0\nsounds:\n  earcon.stop: stop.wav\n"
            .write(toFile: folder + "/keys/pack.yaml", atomically: true, encoding: .utf8)
        let routine = try LiveRoutines.write(to: folder)
        let play = try Program.run(
            ["play", routine, "--pack", folder + "/keys", "-D", "tap", "--lead-in-ms", "0", "-v"],
            environment: try ALSAFileTests.tapDevice(writingTo: folder + "/tap.wav"))
        #expect(play.status == 0, "\(play.error)")
        let earcons = play.error.split(separator: "\n").filter { $0.contains("sound earcon.") }
        #expect(earcons.count == 15, "\(play.error)")
        #expect(earcons.contains { $0.hasSuffix("sound earcon.pause: built in") }, "\(earcons)")
        #expect(earcons.contains { $0.contains("sound earcon.stop: pack 'Keys', ") && $0.hasSuffix("/keys/stop.wav") }, "\(earcons)")
        let render = try Program.run(["render", routine, "--pack", folder + "/keys", "-v", "-o", folder + "/x.wav"])
        #expect(render.status == 0 && render.error.contains("sound side.left: ") && !render.error.contains("sound earcon."), "\(render.error)")
    }

    @Test func aRenderWithAPackIsThePlayOfTheSameAndExportMakesAPackThatChecks() throws {
        let folder = Repository.temporaryFolder("stretchcue-pack")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder)
        let play = try Program.run(
            ["play", routine, "--pack", "wood", "-D", "tap", "--sample-format", "s16", "--lead-in-ms", "0"],
            environment: try ALSAFileTests.tapDevice(writingTo: folder + "/tap.wav"))
        #expect(play.status == 0, "\(play.error)")
        let render = try Program.run(["render", routine, "--pack", "wood", "-o", folder + "/render.wav"])
        #expect(render.status == 0)
        let plain = try Program.run(["render", routine, "-o", folder + "/plain.wav"])
        #expect(plain.status == 0)
        let rendered = try WAV(path: folder + "/render.wav").data
        #expect(firstDifference(try WAV(path: folder + "/tap.wav").data.prefix(rendered.count), rendered) == nil)
        let unpacked = try WAV(path: folder + "/plain.wav").data
        #expect(rendered != unpacked, "the wood pack changed nothing")

        let export = try Program.run(["packs", "export", folder + "/mine"])
        #expect(export.status == 0, "\(export.error)")
        #expect(try Program.run(["packs", "check", folder + "/mine", "--routine", "back-tension"]).status == 0)
        #expect(try Program.run(["packs", "export", folder + "/mine"]).status == 1, "an existing folder is not written over")
    }
}

/// A person's config file shapes every session; the flags win over it.
@Suite struct PersonConfigTests {
    @Test func theConfigShapesTheSessionAndFlagsOverrideIt() throws {
        let folder = Repository.temporaryFolder("stretchcue-config")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/stretchcue", withIntermediateDirectories: true)
        try "rounds: 2\nhold: 7\ncountdown: 2\npacks: [wood]\n"
            .write(toFile: folder + "/stretchcue/config.yaml", atomically: true, encoding: .utf8)
        let environment = ["XDG_CONFIG_HOME": folder]
        func plan(_ flags: [String]) throws -> RealTime.Plan {
            let result = try Program.run(["plan", "--json"] + flags, environment: environment)
            #expect(result.status == 0, "\(result.error)")
            return try JSONDecoder().decode(RealTime.Plan.self, from: Data(result.output.utf8))
        }
        /// The second pose's hold (the first, cat/cow, is paced by breaths): from its start chime to its end chime, in seconds.
        func hold(_ plan: RealTime.Plan) throws -> Double {
            let start = try #require(plan.cues.filter { $0.kind == "chime.start" }.dropFirst().first)
            let end = try #require(plan.cues.first { $0.kind == "chime.end" && $0.frame > start.frame })
            return Double(end.frame - start.frame) / 48_000
        }
        let configured = try plan([])
        #expect(try hold(configured) == 7)
        #expect(configured.cues.contains { $0.kind == "tick" })
        let flagged = try plan(["--hold", "3", "--countdown", "0", "--rounds", "1"])
        #expect(try hold(flagged) == 3)
        #expect(!flagged.cues.contains { $0.kind == "tick" })
        #expect(flagged.frames < configured.frames / 2)
        // The config's pack: the wood chime's length, not the built-in one's.
        let startChime = try #require(configured.cues.first { $0.kind == "chime.start" })
        #expect(startChime.length == 76_800, "the wood pack's 1.6 s chime")
        // A broken config: one line naming it, exit 2, nothing planned.
        try "hold: [7]\n".write(toFile: folder + "/stretchcue/config.yaml", atomically: true, encoding: .utf8)
        let broken = try Program.run(["plan"], environment: environment)
        #expect(broken.status == 2 && broken.error.hasPrefix(folder + "/stretchcue/config.yaml:1:7: a hold must be a number"), "\(broken.error)")
    }

    /// The deep buffer's length: 0 or 100 to 2000 ms, in the config and on the command line.
    @Test func aRewindBufferOutOfRangeIsOneLine() throws {
        let folder = Repository.temporaryFolder("stretchcue-config")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/stretchcue", withIntermediateDirectories: true)
        let config = folder + "/stretchcue/config.yaml"
        try "rewind_ms: 50\n".write(toFile: config, atomically: true, encoding: .utf8)
        let checked = try Program.run(["config", "check", config])
        #expect(checked.status == 2, "\(checked.output)\(checked.error)")
        #expect(checked.error == config + ":1:12: rewind_ms must be 0 (never rewind) or 100 to 2000; found 50\n", "\(checked.error)")
        try "rewind_ms: 0\n".write(toFile: config, atomically: true, encoding: .utf8)
        let shown = try Program.run(["config", "show", "--config", config])
        #expect(shown.status == 0 && shown.output.contains("rewind_ms: 0  # \(config):1"), "\(shown.output)\(shown.error)")
        let flag = try Program.run(["play", "--rewind-ms", "20"])
        #expect(flag.status == 64 && flag.error.contains("--rewind-ms 20 is out of range"), "\(flag.error)")
    }

    /// `keep_awake` is true or false: anything else is one line naming the
    /// file, line and column, and exit 2; `serve --keep-awake` wins over it.
    @Test func aKeepAwakeThatIsNotTrueOrFalseIsOneLine() throws {
        let folder = Repository.temporaryFolder("stretchcue-config")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let config = folder + "/config.yaml"
        try "volume: -6\nkeep_awake: yes please\n".write(toFile: config, atomically: true, encoding: .utf8)
        let checked = try Program.run(["config", "check", config])
        #expect(checked.status == 2, "\(checked.output)\(checked.error)")
        #expect(checked.error == config + ":2:13: keep_awake must be true or false; found 'yes please'\n", "\(checked.error)")
        let served = try Program.run(["serve", "--config", config, "--keep-awake"])
        #expect(served.status == 2 && served.error.hasPrefix(config + ":2:13: keep_awake must be true or false"), "\(served.error)")
        try "keep_awake: true\n".write(toFile: config, atomically: true, encoding: .utf8)
        let shown = try Program.run(["config", "show", "--config", config])
        #expect(shown.status == 0 && shown.output.contains("keep_awake: true  # \(config):1"), "\(shown.output)\(shown.error)")
        try "volume: -6\n".write(toFile: config, atomically: true, encoding: .utf8)
        let off = try Program.run(["config", "show", "--config", config])
        #expect(off.output.contains("keep_awake: false  # default"), "\(off.output)")
    }

    /// `device: null` is YAML's null, not ALSA's `null` device: the line says to quote it.
    /// The folders a box's clients may start routines from are shown with the rest.
    @Test func anUnquotedNullDeviceIsToldToBeQuoted() throws {
        let folder = Repository.temporaryFolder("stretchcue-config")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = folder + "/config.yaml"
        try "device: null\n".write(toFile: config, atomically: true, encoding: .utf8)
        let checked = try Program.run(["config", "check", config])
        #expect(checked.status == 2, "\(checked.output)\(checked.error)")
        #expect(checked.error == config + ":1:9: expected text, found YAML's null ('null'; quote it for the text: \"null\")\n", "\(checked.error)")
        try "device: \"null\"\nstate_folder: /srv/box\nroutines: [/srv/mine]\n".write(toFile: config, atomically: true, encoding: .utf8)
        let shown = try Program.run(["config", "show", "--config", config])
        #expect(shown.status == 0 && shown.output.contains("routines: [\"/srv/mine\"]  # \(config):3"), "\(shown.output)\(shown.error)")
        try "state_folder: /srv/box\n".write(toFile: config, atomically: true, encoding: .utf8)
        let defaults = try Program.run(["config", "show", "--config", config])
        #expect(defaults.output.contains("routines: [\"/etc/stretchcue/routines\", \"/srv/box/routines\"]  # default"), "\(defaults.output)")
    }

    /// A box feeding a Snapcast stream of 32-bit samples says so in its
    /// config, where a misspelt format is one line; where its answers play too.
    @Test func theSampleFormatAndTheAnswersDeviceAreInTheConfig() throws {
        let folder = Repository.temporaryFolder("stretchcue-config")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = folder + "/config.yaml"
        try "sample_format: s23\n".write(toFile: config, atomically: true, encoding: .utf8)
        let checked = try Program.run(["config", "check", config])
        #expect(checked.status == 2, "\(checked.output)\(checked.error)")
        #expect(checked.error == config + ":1:16: unknown sample format 's23'; expected s16, s24, s32 or float\n", "\(checked.error)")
        try "sample_format: s32\nearcon_device: hw:CARD=Headphones\n".write(toFile: config, atomically: true, encoding: .utf8)
        let shown = try Program.run(["config", "show", "--config", config])
        #expect(shown.output.contains("sample_format: \"s32\"  # \(config):1"), "\(shown.output)\(shown.error)")
        #expect(shown.output.contains("earcon_device: \"hw:CARD=Headphones\"  # \(config):2"), "\(shown.output)")
    }
}

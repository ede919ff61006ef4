import Audio
import CSndFile
import Foundation
import Packs
import Routines
import TestSupport
import Testing
import Timing

/// Sessions made from packs: the first pack that has a sound wins, the
/// built-in sounds fill in; pack sounds are matched in loudness; variants
/// play the same in every render.
@Suite struct PackSoundTests {
    let folder = Repository.temporaryFolder("stretchcue-packsound")

    /// A pack in `name` with `sounds` (key: file) and the files, each a tone of its own.
    func pack(_ name: String, gain: Double = 0, inherits: [String] = [], sounds: [String: (file: String, amplitude: Double)])
        throws -> String
    {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var lines = ["format: 1", "name: \(name)", "license: CC0-1.0", "gain_db: \(gain)"]
        lines.append("inherits: [\(inherits.joined(separator: ", "))]")
        lines.append("sounds:")
        for (key, sound) in sounds.sorted(by: { $0.key < $1.key }) {
            try WAV.writeTone(path + "/" + sound.file, frequency: 330, amplitude: sound.amplitude, seconds: 1.5)
            lines.append("  \(key): \(sound.file)")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path + "/pack.yaml", atomically: true, encoding: .utf8)
        return path
    }

    func bank(_ packs: [String]) throws -> SoundBank {
        let chain = try PackChain(packs, library: PackLibrary(folders: [folder]))
        return try SoundBank(sampleRate: 48_000, voiceFolder: Repository.voiceFolder, packs: chain)
    }

    @Test func twoRecordings12DecibelsApartPlayWithin1LUOfEachOther() throws {
        _ = try pack("loud", sounds: ["side.left": ("left.wav", 0.5), "chime.start": ("start.wav", 0.5)])
        _ = try pack("quiet", sounds: ["side.left": ("left.wav", 0.125), "chime.start": ("start.wav", 0.125)])
        let loud = try bank(["loud"])
        let quiet = try bank(["quiet"])
        for (a, b) in [(try loud.prompt(.voice("side.left")), try quiet.prompt(.voice("side.left"))),
                       (try loud.sound(for: .chimeStart), try quiet.sound(for: .chimeStart))] {
            let levels = (try Loudness(of: a, rate: 48_000).integrated, try Loudness(of: b, rate: 48_000).integrated)
            #expect(abs(levels.0 - levels.1) < 1, "\(levels)")
        }
        // The voice at the built-in voice's level, the chime at the built-in chime's.
        #expect(abs(try Loudness(of: quiet.prompt(.voice("side.left")), rate: 48_000).integrated - Loudness.voiceTarget) < 1)
        #expect(abs(try Loudness(of: quiet.sound(for: .chimeStart), rate: 48_000).integrated - SoundBank.builtInLoudness(.chimeStart)) < 1)
    }

    /// The built-in chimes' loudness the bank knows by heart is what they measure.
    @Test func theBuiltInLoudnessIsWhatTheChimesMeasure() throws {
        for kind in CueKind.allCases where !kind.isStretched {
            let measured = try Loudness(of: Chimes.sound(for: kind, rate: 48_000), rate: 48_000).integrated
            #expect(abs(measured - SoundBank.builtInLoudness(kind)) < 0.01, "\(kind.rawValue): \(measured) LUFS")
        }
    }

    @Test func aPacksGainGoesOnTopOfTheMatch() throws {
        _ = try pack("plain", sounds: ["side.left": ("left.wav", 0.25)])
        _ = try pack("softer", gain: -6, sounds: ["side.left": ("left.wav", 0.25)])
        let plain = try Loudness(of: bank(["plain"]).prompt(.voice("side.left")), rate: 48_000).integrated
        let softer = try Loudness(of: bank(["softer"]).prompt(.voice("side.left")), rate: 48_000).integrated
        #expect(abs(plain - softer - 6) < 0.2, "\(plain) and \(softer)")
    }

    @Test func theFirstPackThatHasASoundWinsAndTheBuiltInSoundsFillIn() throws {
        _ = try pack("base", sounds: ["side.left": ("base-left.wav", 0.25), "chime.end": ("base-end.wav", 0.25)])
        _ = try pack("top", inherits: ["base"], sounds: ["side.left": ("top-left.wav", 0.25)])
        let bank = try bank(["top"])
        let left = try bank.variants(of: .voice("side.left"))
        #expect(left.map { ($0.path as NSString).lastPathComponent } == ["top-left.wav"])
        #expect(bank.frames(of: .chimeEnd) == 72_000, "the base pack's 1.5 s file")
        // Not in any pack: the built-in voice and the synthesized chime.
        #expect(try bank.variants(of: .voice("side.right")).first?.path == Repository.voiceFolder + "/side.right.wav")
        #expect(bank.frames(of: .chimeStart) == Int64(Chimes.frames(for: .chimeStart, rate: 48_000)))
    }

    /// A routine whose prompt plays three times, from a pack with two
    /// variants: each render picks the same ones, and both are heard.
    @Test func variantsPlayTheSameInEveryRender() throws {
        let path = folder + "/two"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try WAV.writeTone(path + "/low.wav", frequency: 220, seconds: 1)
        try WAV.writeTone(path + "/high.wav", frequency: 880, seconds: 1)
        try """
            format: 1
            name: Two
            license: CC0-1.0
            sounds:
              side.left: {files: [{path: low.wav}, {path: high.wav}]}
            """.write(toFile: path + "/pack.yaml", atomically: true, encoding: .utf8)
        let routine = Routine(
            name: "Thrice", hold: 2, settle: 0.5, rest: 0.5,
            poses: (1...6).map { Pose(id: "p\($0)", name: "P\($0)", prompt: .voice("side.left")) })
        func render(seed: UInt64) throws -> [Float] {
            let chain = try PackChain(["two"], library: PackLibrary(folders: [folder]))
            let bank = try SoundBank(sampleRate: 48_000, voiceFolder: Repository.voiceFolder, packs: chain, seed: seed)
            let timeline = try Timeline(routine: routine, options: SessionOptions(), sounds: bank)
            let mixer = try Mixer(timeline: timeline, bank: bank, settings: MixSettings(muted: [.chime, .breath], channels: 1))
            return try Render.frames(mixer, from: 0, count: Int(timeline.frames), channels: 1)
        }
        let first = try render(seed: 3)
        #expect(try render(seed: 3) == first)
        // Which tone each prompt was: the frequency of its middle.
        let bank = try SoundBank(sampleRate: 48_000, voiceFolder: Repository.voiceFolder)
        let timeline = try Timeline(routine: routine, options: SessionOptions(), sounds: bank)
        let tones = timeline.cues.filter { $0.kind == .voice }.map { cue in
            Signal.frequency(Array(first[Int(cue.frame) + 12_000..<Int(cue.frame) + 36_000]), rate: 48_000)
        }
        #expect(tones.allSatisfy { abs($0 - 220) < 2 || abs($0 - 880) < 2 }, "\(tones)")
        #expect(Set(tones.map { $0 < 500 }).count == 2, "both variants are heard: \(tones)")
    }

    /// Odd formats play, converted; truncated, empty and non-audio files
    /// are refused naming the file, before anything plays; none crashes.
    @Test func oddFilesInAPackPlayConvertedOrAreRefusedClearly() throws {
        let path = folder + "/odd"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let formats: [(String, Int32, Int, Int)] = [
            ("u8.wav", Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_U8), 22_050, 1), ("s24.wav", Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_24), 44_100, 2),
            ("float.wav", Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT), 48_000, 1), ("hi.wav", Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), 96_000, 2),
            ("six.wav", Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), 48_000, 6), ("adpcm.wav", Int32(SF_FORMAT_WAV | SF_FORMAT_IMA_ADPCM), 16_000, 1),
            ("phone.wav", Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), 8_000, 1),
        ]
        var lines = ["format: 1", "name: Odd", "license: CC0-1.0", "sounds:"]
        for (index, (file, format, rate, channels)) in formats.enumerated() {
            try TestFiles.writeSine(path + "/" + file, format: format, rate: rate, channels: channels, seconds: 1)
            lines.append("  prompt.\(index): \(file)")
        }
        try Data("not a sound".utf8).write(to: URL(fileURLWithPath: path + "/text.wav"))
        try Data().write(to: URL(fileURLWithPath: path + "/empty.wav"))
        let whole = try Data(contentsOf: URL(fileURLWithPath: path + "/s24.wav"))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path + "/cut.wav"))
        lines += ["  broken.text: text.wav", "  broken.empty: empty.wav", "  broken.cut: cut.wav"]
        try (lines.joined(separator: "\n") + "\n").write(toFile: path + "/pack.yaml", atomically: true, encoding: .utf8)
        let bank = try bank(["odd"])
        for index in formats.indices {
            let sound = try bank.prompt(.voice("prompt.\(index)"))
            // (IMA ADPCM stores whole blocks only: its last part of a block is dropped.)
            #expect(abs(sound.frames - 48_000) <= 960, "\(formats[index].0): \(sound.frames) frames")
            // As heard on two channels: the stereo and six-channel files as loud as the mono ones.
            let loudness = try Loudness(of: sound, rate: 48_000).heard(channels: sound.channels)
            let voice = Loudness.voiceTarget + Loudness.monoOnTwoChannels
            #expect(abs(loudness - voice) < 1, "\(formats[index].0) plays at \(loudness) LUFS on two channels")
        }
        // Cut in half: what is there plays, and no more.
        let cut = try bank.prompt(.voice("broken.cut"))
        #expect(cut.frames < 26_000 && cut.frames > 20_000, "\(cut.frames) frames of a half second")
        for broken in ["text", "empty"] {
            #expect {
                try bank.prompt(.voice("broken.\(broken)"))
            } throws: { error in
                let line = "\(error)"
                return line.contains("/odd/\(broken).wav") && !line.contains("\n")
            }
        }
    }

    /// A pack's earcon answers the key in place of the built-in one, at the built-in earcons' peak.
    /// A pack's file swapped for a link to a file out of the pack after the
    /// pack was checked is refused when it is read, naming the file, and
    /// the file out of the pack is not played; a file in a sub-folder of the
    /// pack still plays.
    @Test func aPackFileSwappedForALinkOutOfThePackIsNotPlayed() throws {
        try FileManager.default.createDirectory(atPath: folder + "/swapped/voice", withIntermediateDirectories: true)
        let path = try pack("swapped", sounds: ["side.left": ("left.wav", 0.5), "side.right": ("voice/right.wav", 0.5)])
        let sounds = try bank(["swapped"])
        #expect(try sounds.prompt(.voice("side.right")).frames == 72_000)
        let outside = folder + "/outside.wav"
        try WAV.writeTone(outside, frequency: 440, amplitude: 0.5, seconds: 1.5)
        try FileManager.default.removeItem(atPath: path + "/left.wav")
        try FileManager.default.createSymbolicLink(atPath: path + "/left.wav", withDestinationPath: outside)
        var refusal = "played"
        do {
            _ = try sounds.prompt(.voice("side.left"))
        } catch {
            refusal = error.description
        }
        #expect(refusal.hasPrefix(path + "/pack.yaml:7:14: " + path + "/left.wav: ") && refusal.contains("symbolic link"), "\(refusal)")
    }

    @Test func aPacksEarconAnswersTheKeyAtTheEarconsLevel() throws {
        _ = try pack("keys", sounds: ["earcon.pause": ("pause.wav", 0.9), "earcon.breath-on": ("breath-on.wav", 0.1)])
        let bank = try bank(["keys"])
        let pause = try bank.earcon(.pause)
        #expect(pause.frames == 72_000, "the pack's 1.5 s file, not the built-in 0.24 s: \(pause.frames) frames")
        let peak = pause.samples.map { abs(Float($0)) / 32767 }.max() ?? 0
        #expect(abs(peak - Earcon.peak) < 0.01, "peak \(peak)")
        #expect(try bank.earcon(.breathOn).frames == 72_000, "a key of two words is spelt as every pack key is")
        // The keys the pack does not have keep their built-in sound.
        #expect(try bank.earcon(.resume).samples == Earcon.resume.sound(rate: 48_000).samples)
    }

    @Test func anEarconTooLongToAnswerAKeyIsRefusedBeforeAnythingPlays() throws {
        let path = folder + "/slow"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try WAV.writeTone(path + "/next.wav", frequency: 440, amplitude: 0.5, seconds: 3)
        try "format: 1\nname: slow\nlicense: CC0-1.0\nsounds:\n  earcon.next: next.wav\n".write(
            toFile: path + "/pack.yaml", atomically: true, encoding: .utf8)
        #expect {
            try bank(["slow"])
        } throws: { error in
            "\(error)".contains("slow/next.wav") && "\(error)".contains("expected 1.5 s or less")
        }
    }

    /// A pack of one bell, `bell.start`: a 2 kHz strike decaying over a
    /// second, its first sample at `phase` radians (0: from silence).
    func bell(_ name: String, phase: Double) throws -> [Int16] {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let samples = (0..<48_000).map { frame in
            let t = Double(frame) / 48_000
            return Int16((0.8 * 32767 * exp(-t / 0.25) * sin(2 * Double.pi * 2000 * t + phase)).rounded())
        }
        try WAV.write(path + "/bell.wav", samples: samples, rate: 48_000, channels: 1)
        try "format: 1\nname: \(name)\nlicense: CC0-1.0\nsounds:\n  bell.start: bell.wav\n"
            .write(toFile: path + "/pack.yaml", atomically: true, encoding: .utf8)
        return samples
    }

    /// The gain `played` has over `file`, fitted over their second 50 ms
    /// (clear of any fade), least squares.
    func level(of played: [Int16], against file: [Int16]) -> Double {
        let frames = 2400..<4800
        let product = frames.reduce(0.0) { $0 + Double(played[$1]) * Double(file[$1]) }
        return product / frames.reduce(0.0) { $0 + Double(file[$1]) * Double(file[$1]) }
    }

    /// A struck bell that starts from silence keeps its attack: its peak in
    /// the first millisecond, as the file has it, no fade-in.
    @Test func aBellThatStartsFromSilenceKeepsItsAttack() throws {
        let file = try bell("struck", phase: 0)
        let played = try bank(["struck"]).sound(for: .bellStart)
        let first = played.samples.prefix(48).map { abs(Int($0)) }.max() ?? 0
        let whole = played.samples.map { abs(Int($0)) }.max() ?? 0
        #expect(Double(first) >= 0.99 * Double(whole), "first ms \(first), whole \(whole)")
        // Sample for sample the file, at the level it plays at.
        let gain = level(of: played.samples, against: file)
        let off = (0..<4800).map { abs(Double(played.samples[$0]) - gain * Double(file[$0])) }.max() ?? 0
        #expect(off <= 2, "\(off) LSB from the file")
    }

    /// A sound that starts on a loud sample would click: it rises over the
    /// built-in chimes' 2 ms, no longer.
    @Test func aSoundThatStartsOnASampleRisesIn2Milliseconds() throws {
        let file = try bell("cut", phase: Double.pi / 2)
        let played = try bank(["cut"]).sound(for: .bellStart)
        let gain = level(of: played.samples, against: file)
        #expect(abs(Double(played.samples[0])) < 0.02 * gain * Double(file[0]), "first sample \(played.samples[0])")
        let off = (96..<4800).map { abs(Double(played.samples[$0]) - gain * Double(file[$0])) }.max() ?? 0
        #expect(off <= 2, "\(off) LSB from the file after 2 ms")
        // Made in parts, the last first and one starting inside the rise, it is the whole.
        let bank = try bank(["cut"])
        let parts: [Range<Int64>] = [40_000..<48_000, 50..<40_000, 0..<50]
        let joined = try parts.reversed().flatMap { try bank.sound(for: .bellStart, part: $0).samples }
        let backwards = try parts.map { try bank.sound(for: .bellStart, part: $0).samples }.reversed().flatMap { $0 }
        #expect(joined == played.samples && backwards == played.samples)
    }
}

import Audio
import Foundation
import Output
import PackTools
import Packs
import Routines
import TestSupport
import Testing
import Timing

/// A pack's sound plays at the level of the sound it replaces as the
/// session's two channels carry it, mono or stereo: the mixer plays a mono
/// sound at full level on both channels, so a stereo file of the same
/// signal is the same sound heard.
extension PackSoundTests {
    /// Writes `sound` (mono) to `path` as it is, or as a stereo file with
    /// the same samples on both channels.
    func write(_ sound: Sound, to path: String, stereo: Bool) throws {
        let samples = stereo ? sound.samples.flatMap { [$0, $0] } : sound.samples
        try WAV.write(path, samples: samples, rate: 48_000, channels: stereo ? 2 : 1)
    }

    /// A pack named `name` whose chime.start, `pose.cobra` and ambient are
    /// the built-in chime, the built-in voice's prompt and a tone, each as
    /// `files` says: mono, stereo, or both as two variants.
    func copies(_ name: String, files: [Bool]) throws {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let builtIn = try SoundBank(sampleRate: 48_000, voiceFolder: Repository.voiceFolder)
        let tone = Sound(
            channels: 1, samples: (0..<240_000).map { PCM16.quantize(Float(0.2 * sin(Double($0) * 2 * Double.pi * 220 / 48_000))) })
        let sounds = [
            ("chime.start", Chimes.sound(for: .chimeStart, rate: 48_000)),
            ("pose.cobra", try builtIn.prompt(.voice("pose.cobra"))), ("ambient", tone),
        ]
        var lines = ["format: 1", "name: \(name)", "license: CC0-1.0", "sounds:"]
        for (key, sound) in sounds {
            var variants: [String] = []
            for stereo in files {
                let file = "\(key).\(stereo ? "stereo" : "mono").wav"
                try write(sound, to: path + "/" + file, stereo: stereo)
                variants.append("{path: \(file)}")
            }
            lines.append("  \(key): {files: [\(variants.joined(separator: ", "))]}")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path + "/pack.yaml", atomically: true, encoding: .utf8)
    }

    /// The built-in session with `packs`, stereo, only `layer` heard (the
    /// ambient layer the built-in noise when no pack has one).
    func session(_ packs: [String], hearing layer: Layer) throws -> (Mixer, Timeline) {
        let bank = try bank(packs)
        let timeline = try Timeline(routine: BuiltInRoutines.backTension, options: SessionOptions(), sounds: bank)
        let muted = Set(Layer.allCases).subtracting([layer])
        return (try Mixer(timeline: timeline, bank: bank, settings: MixSettings(muted: muted, ambientNoise: true)), timeline)
    }

    /// The loudness (EBU R128, LUFS) of the mix over `span`, as its two channels carry it.
    func level(_ mixer: Mixer, over span: Range<Int64>) throws -> Double {
        let mix = try Render.frames(mixer, from: span.lowerBound, count: span.count)
        return try Loudness(of: Sound(channels: 2, samples: mix.map { PCM16.quantize($0) }), rate: 48_000).integrated
    }

    /// The session's first chime.start, the cobra prompt and a stretch of
    /// the ambient bed, rendered with the built-in sounds and with a
    /// pack's mono and stereo copies of them: all three at one level (the
    /// ambient copies, a tone, where the built-in noise is).
    @Test func aStereoCopyPlaysAtTheLevelOfTheMonoSound() throws {
        try copies("mono", files: [false])
        try copies("stereo", files: [true])
        for layer in [Layer.chime, .voice, .ambient] {
            var levels: [String: Double] = [:]
            for packs in [[], ["mono"], ["stereo"]] {
                let (mixer, timeline) = try session(packs, hearing: layer)
                let span: Range<Int64>
                switch layer {
                case .chime:
                    let chime = try #require(timeline.cues.first { $0.kind == .chimeStart })
                    span = chime.frame..<chime.end
                case .voice:
                    let prompt = try #require(timeline.cues.first { $0.prompt == .voice("pose.cobra") })
                    span = prompt.frame..<prompt.end
                // Three seconds of bed, a minute in, far from the fades.
                default: span = 60 * 48_000..<63 * 48_000
                }
                levels[packs.first ?? "built in"] = try level(mixer, over: span)
            }
            #expect(levels.values.max()! - levels.values.min()! < 0.5, "\(layer): \(levels)")
        }
    }

    /// A pack whose chime.start is a mono and a stereo file of the same
    /// chime, played by turns: every hold begins at the same level.
    @Test func monoAndStereoVariantsPlayAtOneLevel() throws {
        try copies("both", files: [false, true])
        let (mixer, timeline) = try session(["both"], hearing: .chime)
        let bank = try bank(["both"])
        let starts = timeline.cues.filter { $0.kind == .chimeStart }
        #expect(Set(starts.indices.map { bank.variant(of: .chimeStart, occurrence: $0) }) == [0, 1], "both variants play")
        let levels = try starts.map { try level(mixer, over: $0.frame..<$0.end) }
        #expect(levels.max()! - levels.min()! < 0.5, "\(levels)")
    }

    /// `packs check` promises the level the session plays: 0 dB for an
    /// exact stereo copy of the built-in chime, as for a mono one.
    @Test func checkPlaysAStereoCopyOfTheBuiltInChimeAt0Decibels() throws {
        try copies("checked", files: [false, true])
        let chain = try PackChain(["checked"], library: PackLibrary(folders: [folder]))
        var cache = LoudnessCache(folder: chain.packs[0].folder)
        let check = PackCheck(
            pack: chain.packs[0], chain: chain, knownPrompts: ["pose.cobra"], needed: [],
            voiceFolder: Repository.voiceFolder, cache: &cache)
        let chimes = check.files.filter { $0.key == "chime.start" }
        #expect(chimes.count == 2)
        for chime in chimes {
            #expect(abs(chime.gain) < 0.05, "\(chime.info.channels) channels: plays at \(chime.gain.fixed(2, sign: true)) dB")
        }
    }
}

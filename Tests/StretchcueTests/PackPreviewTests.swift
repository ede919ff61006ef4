import Audio
import Foundation
import Output
import TestSupport
import Testing

/// `packs preview`: every sound of a pack played once, as loud as a
/// session plays it, each named first.
@Suite struct PackPreviewTests {
    let folder = Repository.temporaryFolder("stretchcue-preview")

    /// A pack of three tones far from their targets: a chime, a key's earcon and a prompt.
    func tonePack() throws -> String {
        let pack = folder + "/tones"
        try FileManager.default.createDirectory(atPath: pack, withIntermediateDirectories: true)
        try WAV.writeTone(pack + "/start.wav", frequency: 440, amplitude: 0.02, seconds: 1)
        try WAV.writeTone(pack + "/pause.wav", frequency: 660, amplitude: 0.9, seconds: 0.3)
        try WAV.writeTone(pack + "/left.wav", frequency: 330, amplitude: 0.7, seconds: 1)
        try """
            format: 1
            name: Tones
            license: CC0-1.0
            sounds:
              side.left: left.wav
              earcon.pause: pause.wav
              chime.start: start.wav

            """.write(toFile: pack + "/pack.yaml", atomically: true, encoding: .utf8)
        return pack
    }

    /// What `packs preview` played on a file tap, as runs of sound split by at least 0.3 s of silence.
    func preview(_ arguments: [String]) throws -> (output: String, parts: [Sound]) {
        let tap = folder + "/tap.wav"
        let configuration = folder + "/asoundrc"
        // The file plugin tags only integer samples right: a plug in front makes them 16-bit.
        try """
            pcm.tapfile { type file; slave.pcm null; file "\(tap)"; format wav }
            pcm.tap { type plug; slave { pcm "tapfile"; format S16_LE } }

            """.write(toFile: configuration, atomically: true, encoding: .utf8)
        let result = try Program.run(
            ["packs", "preview"] + arguments + ["-D", "tap"],
            environment: ["ALSA_CONFIG_PATH": "/usr/share/alsa/alsa.conf:\(configuration)"])
        #expect(result.status == 0, "\(result.error)")
        let played = try SoundFile.read(tap, rate: 48_000)
        let left = (0..<played.frames).map { Float(played.samples[$0 * played.channels]) / 32767 }
        var parts: [Sound] = []
        var start: Int?
        var quiet = 0
        for frame in left.indices {
            if abs(left[frame]) > 0.0005 {
                if start == nil { start = frame }
                quiet = 0
            } else if let from = start {
                quiet += 1
                if quiet == 14_400 || frame == left.count - 1 {
                    parts.append(Sound(channels: 1, samples: left[from...(frame - quiet)].map { PCM16.quantize($0) }))
                    start = nil
                }
            }
        }
        return (result.output, parts)
    }

    @Test func eachSoundPlaysOnceInOrderAtItsSessionLevel() throws {
        let (output, parts) = try preview([try tonePack(), "--plain"])
        #expect(output == "chime.start: start.wav\nearcon.pause: pause.wav\nside.left: left.wav\n")
        try #require(parts.count == 3, "\(parts.map(\.frames))")
        // The chime as loud as the built-in one, the earcon at the earcons' peak, the prompt at the voice's level.
        let chime = try Loudness(of: parts[0], rate: 48_000).integrated
        #expect(abs(chime - SoundBank.builtInLoudness(.chimeStart)) < 1, "chime at \(chime) LUFS")
        let earconPeak = try Loudness(of: parts[1], rate: 48_000).peak
        #expect(abs(earconPeak - 20 * log10(Double(Earcon.peak))) < 0.5, "earcon peak \(earconPeak) dBFS")
        let prompt = try Loudness(of: parts[2], rate: 48_000).integrated
        #expect(abs(prompt - Loudness.voiceTarget) < 1, "prompt at \(prompt) LUFS")
        #expect(abs(parts[0].frames - 48_000) < 960 && abs(parts[2].frames - 48_000) < 960, "\(parts.map(\.frames))")
    }

    @Test func eachSoundIsNamedByTheVoiceBeforeItPlays() throws {
        let pack = try tonePack()
        let (_, plain) = try preview([pack, "--plain"])
        let (_, named) = try preview([pack])
        // A name before the chime and before the earcon; a prompt says itself.
        #expect(named.count == 5, "\(named.map(\.frames))")
        #expect(named.count == 5 && named[1].samples == plain[0].samples && named[3].samples == plain[1].samples)
        let name = try Loudness(of: named[0], rate: 48_000).integrated
        #expect(abs(name - Loudness.voiceTarget) < 1.5, "the name is the voice: \(name) LUFS")
    }

    @Test func anUnknownKeyIsRefusedBeforeAnythingPlays() throws {
        let result = try Program.run(["packs", "preview", try tonePack(), "chime.end", "-D", "nowhere"])
        #expect(result.status == 2 && result.error.contains("tones/pack.yaml: no sound 'chime.end' in this pack"), "\(result.error)")
    }
}

import CSndFile
import Foundation
import TestSupport
import Testing

/// Sound files as pack makers bring them, made here through libsndfile in
/// the odd formats real packs use: each one is a pack's sound that
/// `packs check` passes and a session renders, heard where it is due.
@Suite struct OddFormatTests {
    let folder = Repository.temporaryFolder("stretchcue-formats")

    struct Format: CustomStringConvertible, Sendable {
        var file: String
        var format: Int32
        var rate: Int
        var channels: Int
        var description: String { file }
    }

    static let formats = [
        Format(file: "unsigned-8-bit.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_U8), rate: 22_050, channels: 1),
        Format(file: "mu-law.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_ULAW), rate: 8_000, channels: 1),
        Format(file: "ima-adpcm.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_IMA_ADPCM), rate: 44_100, channels: 2),
        Format(file: "six-channels.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), rate: 48_000, channels: 6),
        Format(file: "low-rate.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), rate: 11_025, channels: 1),
        Format(file: "speech.opus", format: Int32(SF_FORMAT_OGG | SF_FORMAT_OPUS), rate: 48_000, channels: 1),
        Format(file: "bell.mp3", format: Int32(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III), rate: 44_100, channels: 2),
        Format(file: "bell.caf", format: Int32(SF_FORMAT_CAF | SF_FORMAT_PCM_24), rate: 96_000, channels: 2),
        Format(file: "bell.aiff", format: Int32(SF_FORMAT_AIFF | SF_FORMAT_PCM_16), rate: 44_100, channels: 1),
        Format(file: "bell.w64", format: Int32(SF_FORMAT_W64 | SF_FORMAT_FLOAT), rate: 32_000, channels: 2),
        Format(file: "bell.flac", format: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_24), rate: 96_000, channels: 2),
    ]

    /// A decaying 660 Hz strike, 1.2 s, in `format`.
    func write(_ format: Format) throws {
        try TestFiles.write(
            folder + "/pack/" + format.file, format: format.format, rate: format.rate, channels: format.channels,
            frames: Int(1.2 * Double(format.rate))
        ) { frame, _ in
            let time = Double(frame) / Double(format.rate)
            return Float(0.5 * exp(-3 * time) * sin(2 * Double.pi * 660 * time))
        }
    }

    @Test(arguments: formats) func anOddFormatIsCheckedAndPlayed(format: Format) throws {
        try FileManager.default.createDirectory(atPath: folder + "/pack", withIntermediateDirectories: true)
        try write(format)
        try """
            format: 1
            name: Odd
            author: Tests
            license: CC0-1.0
            sounds:
              chime.start: \(format.file)

            """.write(toFile: folder + "/pack/pack.yaml", atomically: true, encoding: .utf8)
        let check = try Program.run(["packs", "check", folder + "/pack"])
        #expect(check.status == 0, "\(format): \(check.output)\(check.error)")

        let routine = folder + "/one.yaml"
        try "name: One\nhold: 3\nposes:\n  - id: one\n    name: One\n    prompt: side.left\n"
            .write(toFile: routine, atomically: true, encoding: .utf8)
        let output = folder + "/session.wav"
        let render = try Program.run(["render", routine, "--pack", folder + "/pack", "--mute", "voice,breath", "-o", output])
        #expect(render.status == 0, "\(format): \(render.error)")
        let plan = try Program.run(["plan", routine, "--pack", folder + "/pack", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
        let cues = json?["cues"] as? [[String: Any]] ?? []
        let frame = try #require(cues.first { $0["kind"] as? String == "chime.start" }?["frame"] as? Int, "\(format): \(plan.output)")
        // The strike's 660 Hz heard where the hold begins, and not in the 100 ms before it.
        let left = try WAV(path: output).samples.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let strike = Self.level(at: 660, in: left[frame..<(frame + 4800)])
        let before = Self.level(at: 660, in: left[(frame - 4800)..<frame])
        #expect(strike > 0.05 && strike > 10 * before, "\(format): 660 Hz at \(strike), before it \(before)")
    }

    /// The amplitude of `frequency` in `samples` at 48 kHz (Goertzel).
    static func level(at frequency: Double, in samples: ArraySlice<Float>) -> Double {
        let coefficient = 2 * cos(2 * Double.pi * frequency / 48_000)
        var (previous, beforePrevious) = (0.0, 0.0)
        for sample in samples { (previous, beforePrevious) = (Double(sample) + coefficient * previous - beforePrevious, previous) }
        let power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
        return 2 * power.squareRoot() / Double(samples.count)
    }
}

import Audio
import Foundation
import Packs
import Routines
import TestSupport
import Testing
import Timing

/// The mixer's ambient layer on the built-in session: ducked under the
/// voice, faded at the ends, looped without a click, the same in every render.
extension MixerTests {
    /// The level in dB of the left channel of `samples` (stereo).
    private func level(_ samples: ArraySlice<Float>) -> Double {
        let left = stride(from: samples.startIndex, to: samples.endIndex, by: 2).map { Double(samples[$0]) }
        return 10 * log10(left.reduce(0) { $0 + $1 * $1 } / Double(left.count))
    }

    /// With the voice 60 dB down (so it still ducks the bed but is not
    /// heard over it), the noise inside a long prompt is 10 dB under the
    /// noise far from any prompt.
    @Test func theBedGoesDown10DecibelsUnderTheVoice() throws {
        let settings = MixSettings(gains: [.voice: -60], muted: [.chime, .breath], ambientNoise: true)
        let mixer = try Mixer(timeline: timeline, bank: bank, settings: settings)
        let voice = timeline.cues.filter { $0.kind == .voice }
        let second = Int64(Self.rate)
        // Inside a prompt of 3 s or more, past its attack.
        let prompt = try #require(voice.first { $0.length >= 3 * second && $0.frame > 10 * second })
        let inside = try Render.frames(mixer, from: prompt.frame + second / 2, count: Int(2 * second))
        // The middle of a hold of 10 s or more with no word spoken in it (a
        // breath-paced pose's breaths speak theirs).
        let spoken = timeline.cues.filter { $0.prompt != nil }
        let hold = try #require(
            timeline.steps.first { step in
                step.holdEnd - step.holdStart >= 10 * second
                    && !spoken.contains { $0.frame < step.holdEnd && $0.end > step.holdStart }
            })
        let outside = try Render.frames(mixer, from: (hold.holdStart + hold.holdEnd) / 2 - second, count: Int(2 * second))
        let depth = level(outside[...]) - level(inside[...])
        #expect(abs(depth - Ambient.duckDecibels) < 0.7, "ducked by \(depth) dB")
    }

    /// The bed fades in from silence over the first seconds and out to
    /// silence at the end.
    @Test func theBedFadesInAndOut() throws {
        let mixer = try Mixer(
            timeline: timeline, bank: bank, settings: MixSettings(muted: [.voice, .chime, .breath], ambientNoise: true))
        let second = Int(Self.rate)
        let start = try Render.frames(mixer, from: 0, count: 6 * second)
        let end = try Render.frames(mixer, from: timeline.frames - 6 * Int64(second), count: 6 * second)
        let full = level(start[(5 * second * 2)...])
        #expect(full > -60, "the bed is heard: \(full) dB")
        #expect(level(start[..<(second / 10 * 2)]) < full - 30)
        #expect(level(end[(end.count - second / 10 * 2)...]) < full - 30)
        #expect(abs(start[0]) < 1e-4 && abs(end[end.count - 1]) < 1e-4)
    }

    /// A pack's ambient file: a tone whose cycles do not fit its length, so
    /// a plain loop would jump (or, with its ends faded, dip). At the seam
    /// the loop's end and the file's end meet a quarter cycle apart, where
    /// an equal-power crossfade keeps a tone's level. Across every seam the
    /// tone moves no more from one sample to the next than anywhere else,
    /// and its level stays within 1 dB.
    @Test func aPacksLoopJoinsWithoutAClick() throws {
        let folder = Repository.temporaryFolder("stretchcue-ambient")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/tone", withIntermediateDirectories: true)
        // 1980.25 cycles in the 4.5 s loop.
        try WAV.writeTone(folder + "/tone/tone.wav", frequency: 1980.25 / 4.5, amplitude: 0.3, seconds: 5)
        try "format: 1\nname: tone\nlicense: CC0-1.0\nsounds:\n  ambient: tone.wav\n"
            .write(toFile: folder + "/tone/pack.yaml", atomically: true, encoding: .utf8)
        let chain = try PackChain(["tone"], library: PackLibrary(folders: [folder]))
        let bank = try SoundBank(sampleRate: Self.rate, voiceFolder: Repository.voiceFolder, packs: chain)
        let loop = try #require(bank.ambientLoop(builtIn: false))
        #expect(loop.frames == 5 * 48_000 * 9 / 10, "a tenth of the file makes the seam")
        let bed = try Loudness(of: bank.ambientSound(loop, part: 48_000..<192_000), rate: Self.rate).integrated
        #expect(abs(bed - Ambient.loudnessTarget) < 1, "the bed plays at \(bed) LUFS")
        // Not asked for: a pack's bed plays whenever the layer is not muted.
        let mixer = try Mixer(timeline: timeline, bank: bank, settings: MixSettings(muted: [.voice, .chime, .breath]))

        /// The largest step between samples, and the lowest and highest
        /// level of 10 ms windows, over the 2.5 s around `frame`.
        func measure(around frame: Int64) throws -> (step: Float, levels: ClosedRange<Double>) {
            let samples = try Render.frames(mixer, from: frame - 60_000, count: 120_000)
            let step = stride(from: 2, to: samples.count, by: 2).map { abs(samples[$0] - samples[$0 - 2]) }.max() ?? 0
            let levels = stride(from: 0, to: samples.count, by: 960).map { level(samples[$0..<$0 + 960]) }
            return (step, levels.min()!...levels.max()!)
        }
        let seams = Array(stride(from: loop.frames, to: timeline.frames - 5 * 48_000, by: Int(loop.frames)).prefix(5))
        #expect(seams.count == 5)
        // Away from the seams: the tone's own.
        let steady = try measure(around: loop.frames * 2 + loop.frames / 2)
        #expect(steady.step > 0 && steady.levels.upperBound - steady.levels.lowerBound < 0.5)
        for seam in seams {
            let (step, levels) = try measure(around: seam)
            #expect(step <= steady.step * 1.05, "at the seam at frame \(seam): a step of \(step) against \(steady.step)")
            #expect(
                levels.lowerBound > steady.levels.lowerBound - 1 && levels.upperBound < steady.levels.upperBound + 1,
                "at the seam at frame \(seam): levels \(levels) against \(steady.levels)")
        }
    }

    /// A pack's ambient file too short to loop (1.5 s) is refused before
    /// anything plays, the file named.
    @Test func anAmbientTooShortToLoopIsRefused() throws {
        let folder = Repository.temporaryFolder("stretchcue-ambient")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/blip", withIntermediateDirectories: true)
        try WAV.writeTone(folder + "/blip/blip.wav", seconds: 1.5)
        try "format: 1\nname: blip\nlicense: CC0-1.0\nsounds:\n  ambient: blip.wav\n"
            .write(toFile: folder + "/blip/pack.yaml", atomically: true, encoding: .utf8)
        let chain = try PackChain(["blip"], library: PackLibrary(folders: [folder]))
        // Not the error `#expect(throws:)` returns: Swift 6.0's returns none.
        do throws(SoundError) {
            _ = try SoundBank(sampleRate: Self.rate, voiceFolder: Repository.voiceFolder, packs: chain)
            Issue.record("an ambient sound of 1.5 s was taken")
        } catch {
            #expect(error.file.hasSuffix("/blip/blip.wav"))
            #expect(error.message == "an ambient sound of 1.50 s is too short to loop; expected 2 s or more", "\(error)")
        }
    }

    /// Any range of a session with the bed renders as it does in the whole.
    @Test func aRangeRendersAsInTheWhole() throws {
        let mixer = try Mixer(timeline: timeline, bank: bank, settings: MixSettings(ambientNoise: true))
        let start: Int64 = 28 * 48_000 - 12_345
        let whole = try Render.frames(mixer, from: start, count: 96_000)
        let first = try Render.frames(mixer, from: start, count: 40_001)
        let second = try Render.frames(mixer, from: start + 40_001, count: 96_000 - 40_001)
        #expect(whole == first + second)
        #expect(whole.contains { $0 != 0 })
    }
}

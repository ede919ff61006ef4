import Audio
import Output
import Packs
import Routines
import TestSupport
import Testing
import Timing

/// A word spoken over the breath tones and chimes is heard: over each word
/// of a breath-paced pose ("cow" at each inhale, "cat" at each exhale), the
/// voice stands 6 dB or more over everything else the session plays there.
@Suite struct SpokenWordTests {
    static let rate = 48_000

    /// How far the voice must stand over the rest of the mix, in dB.
    static let clearance = 6.0

    /// The voice and the rest of the mix rendered apart, both as the
    /// session plays them (the rest ducked under the voice as it is when
    /// the voice plays: the voice's live gain, not a mute, takes it out),
    /// compared in loudness (EBU R128, a short word measured inside one
    /// 400 ms block) over each word of the cat/cow pose.
    @Test(arguments: [[], ["wood"]])
    func everyCatAndCowStands6DecibelsOverTheRest(packs: [String]) throws {
        let chain = try PackChain(packs, library: PackLibrary(folders: [Repository.root + "/Sounds/packs"]))
        let bank = try SoundBank(sampleRate: Self.rate, voiceFolder: Repository.voiceFolder, packs: chain)
        let timeline = try Timeline(routine: BuiltInRoutines.backTension, options: SessionOptions(), sounds: bank)
        let session = try Mixer(timeline: timeline, bank: bank)
        let voice = try Mixer(timeline: timeline, bank: bank, settings: MixSettings(muted: [.chime, .breath, .ambient]))
        let words = timeline.cues.filter { $0.pose == "cat-cow" && $0.prompt != nil && $0.kind != .voice }
        #expect(words.count == 12)
        for word in words {
            let prompt = try #require(word.prompt)
            let span = word.frame..<word.frame + (try bank.frames(of: prompt))
            let spoken = try Self.loudness(voice, over: span)
            let rest = try Self.loudness(session, over: span, gains: LiveGains(voice: 0))
            #expect(
                spoken - rest >= Self.clearance,
                "\(packs) '\(prompt)' at \(word.frame): \((spoken - rest).fixed(1)) dB over the rest (\(spoken.fixed(1)) and \(rest.fixed(1)) LUFS)")
        }
    }

    /// The breath goes down under each word and back up along a ramp: around
    /// every word, the breath tone ducked steps from one frame to the next
    /// no more than the tone does unducked.
    @Test func theBreathGoesDownUnderAWordWithoutAStep() throws {
        let bank = try SoundBank(sampleRate: Self.rate, voiceFolder: Repository.voiceFolder)
        let timeline = try Timeline(routine: BuiltInRoutines.backTension, options: SessionOptions(), sounds: bank)
        let ducked = try Mixer(timeline: timeline, bank: bank, settings: MixSettings(muted: [.chime], channels: 1))
        let plain = try Mixer(timeline: timeline, bank: bank, settings: MixSettings(muted: [.voice, .chime], channels: 1))
        /// The largest step between frames of `mixer` over `span`, the voice not heard.
        func largestStep(_ mixer: Mixer, over span: Range<Int64>) throws -> Float {
            var mix = [Float](repeating: 0, count: span.count)
            try mix.withUnsafeMutableBufferPointer {
                try mixer.render(from: span.lowerBound, frames: span.count, into: $0, gains: LiveGains(voice: 0))
            }
            return zip(mix, mix.dropFirst()).map { abs($1 - $0) }.max() ?? 0
        }
        let words = timeline.cues.filter { $0.prompt != nil && $0.kind != .voice }
        #expect(words.count == 12)
        for word in words {
            let span = word.frame - Int64(Self.rate / 10)..<word.frame + (try bank.frames(of: word.prompt!)) + Int64(Self.rate / 2)
            let (down, tone) = (try largestStep(ducked, over: span), try largestStep(plain, over: span))
            #expect(down <= tone * 1.01, "'\(word.prompt!)' at \(word.frame): a step of \(down), the tone's own \(tone)")
        }
    }

    /// The loudness (LUFS) of what `mixer` plays over `span` with `gains`, as its two channels carry it.
    static func loudness(_ mixer: Mixer, over span: Range<Int64>, gains: LiveGains = LiveGains()) throws -> Double {
        var mix = [Float](repeating: 0, count: span.count * 2)
        try mix.withUnsafeMutableBufferPointer {
            try mixer.render(from: span.lowerBound, frames: span.count, into: $0, gains: gains)
        }
        return try Loudness(of: Sound(channels: 2, samples: mix.map { PCM16.quantize($0) }), rate: rate).integrated
    }
}

import Audio
import Glibc
import Output
import Playback
import Routines
import TestSupport
import Testing
import Timing

/// Rendering a whole session offline.
@Suite struct OfflineRenderTests {
    let folder = Repository.temporaryFolder()

    /// A prompt renamed over by a shorter stereo file after the session was
    /// laid out: the render goes on to the end with silence where the
    /// prompt was due, tells of each of its two parts once, and counts them.
    @Test func aPromptRenamedOverIsSilenceAndTheRenderGoesOn() throws {
        let rate = 48_000
        let prompt = folder + "/prompt.wav"
        try Self.tone(seconds: 5, channels: 1, rate: rate).write(to: prompt, sampleRate: rate)
        let routine = Routine(
            name: "Changing", hold: 3, settle: 1, rest: 1,
            poses: [Pose(id: "changing", name: "Changing", prompt: PromptRef(.file(prompt)))])
        let bank = try SoundBank(sampleRate: rate, voiceFolder: Repository.voiceFolder)
        let timeline = try Timeline(routine: routine, options: SessionOptions(), sounds: bank)
        let play = try #require(timeline.cues.first { $0.prompt?.source == .file(prompt) })
        let mixer = try Mixer(timeline: timeline, bank: bank, settings: MixSettings(muted: [.chime, .breath], channels: 1))
        try Self.tone(seconds: 0.5, channels: 2, rate: rate).write(to: folder + "/other.wav", sampleRate: rate)
        #expect(rename(folder + "/other.wav", prompt) == 0)

        let sink = CollectingSink(sampleRate: rate, channels: 1)
        var failures: [SoundError] = []
        #expect(try OfflineRender.run(mixer, into: sink, soundFailed: { failures.append($0) }))
        #expect(sink.finished)
        #expect(sink.samples.count == Int(timeline.frames))
        #expect(sink.samples[Int(play.frame)..<Int(play.end)].allSatisfy { $0 == 0 })
        #expect(failures.count == 2 && failures.allSatisfy { $0.file == prompt }, "\(failures)")
        #expect(mixer.missedSounds == 2)
    }

    /// A 440 Hz tone at half scale on every channel.
    static func tone(seconds: Double, channels: Int, rate: Int) -> Sound {
        let frames = Int(seconds * Double(rate))
        return Sound(
            channels: channels,
            samples: (0..<frames * channels).map { index in
                PCM16.quantize(Float(0.5 * sin(2 * Double.pi * 440 * Double(index / channels) / Double(rate))))
            })
    }
}

/// A sink that keeps every sample written to it.
private final class CollectingSink: AudioSink {
    let sampleRate: Int
    let channels: Int
    private(set) var samples: [Float] = []
    private(set) var finished = false

    init(sampleRate: Int, channels: Int) {
        self.sampleRate = sampleRate
        self.channels = channels
    }

    func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws {
        self.samples += samples[0..<frames * channels]
    }

    func finish() throws { finished = true }
}

import Audio
import Playback
import Routines
import TestSupport
import Timing

/// A short routine with real voice prompts, laid out at 48 kHz, and the
/// whole session as `render` makes it: what live playback is compared with.
struct ShortSession {
    static let routine = Routine(
        name: "Short", hold: 3, settle: 0.5, rest: 0.5, breathing: BreathPattern(inhale: 1.5, exhale: 1.5),
        poses: [
            Pose(id: "one", name: "One", prompt: .voice("side.left")),
            Pose(id: "two", name: "Two", prompt: .voice("side.right"), sides: [.left, .right]),
        ])
    let bank: SoundBank
    let timeline: Timeline
    /// The whole session, interleaved stereo.
    let rendered: [Float]

    init() throws {
        bank = try SoundBank(sampleRate: 48_000, voiceFolder: Repository.voiceFolder)
        timeline = try Timeline(routine: Self.routine, options: SessionOptions(), sounds: bank)
        rendered = try Self.render(timeline, bank: bank)
    }

    /// The whole of `timeline`, mixed with `settings`.
    static func render(_ timeline: Timeline, bank: SoundBank, settings: MixSettings = MixSettings()) throws -> [Float] {
        let mixer = try Mixer(timeline: timeline, bank: bank, settings: settings)
        var samples = [Float](repeating: 0, count: Int(timeline.frames) * settings.channels)
        try samples.withUnsafeMutableBufferPointer { try mixer.render(from: 0, frames: Int(timeline.frames), into: $0) }
        return samples
    }

    /// A source that gives the live player this session.
    var source: TestSource { TestSource(routine: Self.routine, bank: bank) }
}

/// The session of a routine at 48 kHz, for the live player.
final class TestSource: SessionSource {
    let routine: Routine
    let bank: SoundBank

    init(routine: Routine, bank: SoundBank) {
        self.routine = routine
        self.bank = bank
    }

    var pace: Double { 1 }

    func timeline(rate: Int, edits: SessionEdits) throws -> Timeline {
        try Timeline(routine: routine, options: SessionOptions(sampleRate: rate), sounds: bank, edits: edits)
    }

    func mixer(for timeline: Timeline, channels: Int) throws -> Mixer {
        try Mixer(timeline: timeline, bank: bank, settings: MixSettings(channels: channels), supply: .prepared)
    }

    func speech(_ prompts: [PromptRef], rate: Int) -> Sound { bank.speech(prompts) }
}

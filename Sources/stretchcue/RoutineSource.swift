import Audio
import Playback
import Routines
import Synchronization
import Timing

/// The session `play` plays, for the live player: the routine and the
/// flags, laid out and mixed at whatever rate the device runs.
final class RoutineSource: SessionSource {
    let routine: Routine
    let options: SessionOptions
    let mix: MixSettings
    let voiceFolder: String
    let chimeFolder: String?
    /// One sound bank per sample rate, made when first needed.
    private let banks = Mutex<[Int: SoundBank]>([:])

    init(session: Session, options: SessionOptions, mix: MixSettings) {
        routine = session.routine
        self.options = options
        self.mix = mix
        voiceFolder = session.bank.voiceFolder
        chimeFolder = session.bank.chimeFolder
        banks.withLock { $0[session.bank.sampleRate] = session.bank }
    }

    var pace: Double { options.pace }

    func timeline(rate: Int, edits: SessionEdits) throws -> Timeline {
        var options = options
        options.sampleRate = rate
        return try Timeline(routine: routine, options: options, sounds: bank(rate: rate), edits: edits)
    }

    func mixer(for timeline: Timeline, channels: Int) throws -> Mixer {
        var mix = mix
        mix.channels = channels
        return try Mixer(timeline: timeline, bank: bank(rate: timeline.sampleRate), settings: mix, supply: .prepared)
    }

    func speech(_ prompts: [PromptRef], rate: Int) -> Sound {
        (try? bank(rate: rate).speech(prompts)) ?? .silence
    }

    private func bank(rate: Int) throws -> SoundBank {
        if let bank = banks.withLock({ $0[rate] }) { return bank }
        let bank = try SoundBank(sampleRate: rate, voiceFolder: voiceFolder, chimeFolder: chimeFolder)
        banks.withLock { $0[rate] = bank }
        return bank
    }
}

/// A session that only says one prompt of a voice pack: spoken status on a
/// box with no screen ("ready"), played through the same live path.
final class PromptSource: SessionSource {
    let prompt: PromptRef
    let voiceFolder: String
    private let banks = Mutex<[Int: SoundBank]>([:])

    /// `nil` when the voice pack has no such prompt.
    init?(_ prompt: PromptRef, voiceFolder: String) {
        guard (try? SoundBank(sampleRate: 48_000, voiceFolder: voiceFolder).header(of: prompt)) != nil else { return nil }
        self.prompt = prompt
        self.voiceFolder = voiceFolder
    }

    var pace: Double { 1 }

    func timeline(rate: Int, edits: SessionEdits) throws -> Timeline {
        let frames = try bank(rate: rate).frames(of: prompt)
        let cue = Cue(frame: 0, kind: .voice, length: frames, round: 0, prompt: prompt)
        return Timeline(sampleRate: rate, frames: frames, cues: [cue], steps: [])
    }

    func mixer(for timeline: Timeline, channels: Int) throws -> Mixer {
        try Mixer(timeline: timeline, bank: bank(rate: timeline.sampleRate), settings: MixSettings(channels: channels), supply: .prepared)
    }

    func speech(_ prompts: [PromptRef], rate: Int) -> Sound { .silence }

    private func bank(rate: Int) throws -> SoundBank {
        if let bank = banks.withLock({ $0[rate] }) { return bank }
        let bank = try SoundBank(sampleRate: rate, voiceFolder: voiceFolder)
        banks.withLock { $0[rate] = bank }
        return bank
    }
}

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
    let banks: Banks

    init(session: Session, options: SessionOptions, mix: MixSettings) {
        routine = session.routine
        self.options = options
        self.mix = mix
        banks = Banks(session.bank)
    }

    var pace: Double { options.pace }

    func timeline(rate: Int, edits: SessionEdits) throws -> Timeline {
        var options = options
        options.sampleRate = rate
        return try Timeline(routine: routine, options: options, sounds: banks.bank(rate: rate), edits: edits)
    }

    func mixer(for timeline: Timeline, channels: Int) throws -> Mixer {
        var mix = mix
        mix.channels = channels
        return try Mixer(timeline: timeline, bank: banks.bank(rate: timeline.sampleRate), settings: mix, supply: .prepared)
    }

    func speech(_ prompts: [PromptRef], rate: Int) -> Sound { banks.speech(prompts, rate: rate) }

    func earcon(_ earcon: Earcon, rate: Int) -> Sound { banks.earcon(earcon, rate: rate) }
}

/// A session that only says one prompt: spoken status on a box with no
/// screen ("ready"), played through the same live path, from the same
/// packs and voice as the sessions (or, as speech, on the answers' own
/// device when the session's stream is heard late).
final class PromptSource: SessionSource {
    let prompt: PromptRef
    let banks: Banks

    /// `nil` when neither the packs nor the voice pack have the prompt.
    init?(_ prompt: PromptRef, banks: Banks) {
        guard (try? banks.bank(rate: 48_000).frames(of: prompt)) != nil else { return nil }
        self.prompt = prompt
        self.banks = banks
    }

    var pace: Double { 1 }

    func timeline(rate: Int, edits: SessionEdits) throws -> Timeline {
        let frames = try banks.bank(rate: rate).frames(of: prompt)
        let cue = Cue(frame: 0, kind: .voice, length: frames, round: 0, prompt: prompt)
        return Timeline(sampleRate: rate, frames: frames, cues: [cue], steps: [])
    }

    func mixer(for timeline: Timeline, channels: Int) throws -> Mixer {
        try Mixer(
            timeline: timeline, bank: banks.bank(rate: timeline.sampleRate), settings: MixSettings(channels: channels),
            supply: .prepared)
    }

    func speech(_ prompts: [PromptRef], rate: Int) -> Sound { banks.speech(prompts, rate: rate) }

    func earcon(_ earcon: Earcon, rate: Int) -> Sound { banks.earcon(earcon, rate: rate) }
}

/// One sound bank per sample rate, made when first needed, all from the
/// same voice folder, chime folder, packs and seed.
final class Banks: Sendable {
    private let banks: Mutex<[Int: SoundBank]>
    private let first: SoundBank

    init(_ bank: SoundBank) {
        first = bank
        banks = Mutex([bank.sampleRate: bank])
    }

    func bank(rate: Int) throws -> SoundBank {
        if let bank = banks.withLock({ $0[rate] }) { return bank }
        let bank = try SoundBank(
            sampleRate: rate, voiceFolder: first.voiceFolder, chimeFolder: first.chimeFolder, packs: first.packs,
            seed: first.seed)
        banks.withLock { $0[rate] = bank }
        return bank
    }

    /// `prompts` said one after another; silence if one cannot be read.
    func speech(_ prompts: [PromptRef], rate: Int) -> Sound {
        (try? bank(rate: rate).speech(prompts)) ?? .silence
    }

    /// The packs' earcon (checked when the first bank was made), else the built-in one.
    func earcon(_ earcon: Earcon, rate: Int) -> Sound {
        (try? bank(rate: rate).earcon(earcon)) ?? earcon.sound(rate: rate)
    }
}

import Audio
import Routines
import Synchronization
import Timing

/// A routine as a session for the live player (`play` and the box): the
/// routine and the flags, laid out and mixed at whatever rate the device runs.
public final class RoutineSource: SessionSource {
    public let routine: Routine
    public let options: SessionOptions
    public let mix: MixSettings
    public let banks: Banks

    /// `bank` holds the session's sounds at its first rate; banks at other
    /// rates are made from the same folders and packs when a device asks.
    public init(routine: Routine, bank: SoundBank, options: SessionOptions, mix: MixSettings) {
        self.routine = routine
        self.options = options
        self.mix = mix
        banks = Banks(bank)
    }

    public var pace: Double { options.pace }

    public func timeline(rate: Int, edits: SessionEdits) throws -> Timeline {
        var options = options
        options.sampleRate = rate
        return try Timeline(routine: routine, options: options, sounds: banks.bank(rate: rate), edits: edits)
    }

    public func mixer(for timeline: Timeline, channels: Int) throws -> Mixer {
        var mix = mix
        mix.channels = channels
        return try Mixer(timeline: timeline, bank: banks.bank(rate: timeline.sampleRate), settings: mix, supply: .prepared)
    }

    public func speech(_ prompts: [PromptRef], rate: Int) -> Sound { banks.speech(prompts, rate: rate) }

    public func earcon(_ earcon: Earcon, rate: Int) -> Sound { banks.earcon(earcon, rate: rate) }
}

/// A session that only says one prompt: spoken status on a box with no
/// screen ("ready"), played through the same live path, from the same
/// packs and voice as the sessions (or, as speech, on the answers' own
/// device when the session's stream is heard late).
public final class PromptSource: SessionSource {
    public let prompt: PromptRef
    public let banks: Banks

    /// `nil` when neither the packs nor the voice pack have the prompt.
    public init?(_ prompt: PromptRef, banks: Banks) {
        guard (try? banks.bank(rate: 48_000).frames(of: prompt)) != nil else { return nil }
        self.prompt = prompt
        self.banks = banks
    }

    public var pace: Double { 1 }

    public func timeline(rate: Int, edits: SessionEdits) throws -> Timeline {
        let frames = try banks.bank(rate: rate).frames(of: prompt)
        let cue = Cue(frame: 0, kind: .voice, length: frames, round: 0, prompt: prompt)
        return Timeline(sampleRate: rate, frames: frames, cues: [cue], steps: [])
    }

    public func mixer(for timeline: Timeline, channels: Int) throws -> Mixer {
        try Mixer(
            timeline: timeline, bank: banks.bank(rate: timeline.sampleRate), settings: MixSettings(channels: channels),
            supply: .prepared)
    }

    public func speech(_ prompts: [PromptRef], rate: Int) -> Sound { banks.speech(prompts, rate: rate) }

    public func earcon(_ earcon: Earcon, rate: Int) -> Sound { banks.earcon(earcon, rate: rate) }
}

/// One sound bank per sample rate, made when first needed, all from the
/// same voice folder, chime folder, packs and seed.
public final class Banks: Sendable {
    private let banks: Mutex<[Int: SoundBank]>
    private let first: SoundBank

    public init(_ bank: SoundBank) {
        first = bank
        banks = Mutex([bank.sampleRate: bank])
    }

    public func bank(rate: Int) throws -> SoundBank {
        if let bank = banks.withLock({ $0[rate] }) { return bank }
        let bank = try SoundBank(
            sampleRate: rate, voiceFolder: first.voiceFolder, chimeFolder: first.chimeFolder, packs: first.packs,
            seed: first.seed)
        banks.withLock { $0[rate] = bank }
        return bank
    }

    /// `prompts` said one after another; silence if one cannot be read.
    public func speech(_ prompts: [PromptRef], rate: Int) -> Sound {
        (try? bank(rate: rate).speech(prompts)) ?? .silence
    }

    /// The packs' earcon (checked when the first bank was made), else the built-in one.
    public func earcon(_ earcon: Earcon, rate: Int) -> Sound {
        (try? bank(rate: rate).earcon(earcon)) ?? earcon.sound(rate: rate)
    }
}

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

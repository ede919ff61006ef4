import Audio
import Routines
import Timing

/// Where a live session's structure and sounds come from: laid out at a
/// rate with edits, mixed, and prompts spoken on demand. The command line
/// builds it from the routine and its flags; tests build their own.
public protocol SessionSource: Sendable {
    /// The pace the session starts at.
    var pace: Double { get }
    /// The session laid out at `rate` with `edits`.
    func timeline(rate: Int, edits: SessionEdits) throws -> Timeline
    /// A live mixer for `timeline` with `channels` output channels (its
    /// sounds are `SoundSupply.prepared`).
    func mixer(for timeline: Timeline, channels: Int) throws -> Mixer
    /// `prompts` spoken one after another at `rate`, skipping any the voice pack lacks.
    func speech(_ prompts: [PromptRef], rate: Int) -> Sound
    /// The sound that answers a key, at `rate`.
    func earcon(_ earcon: Earcon, rate: Int) -> Sound
}

extension SessionSource {
    /// The built-in earcon.
    public func earcon(_ earcon: Earcon, rate: Int) -> Sound { earcon.sound(rate: rate) }
}

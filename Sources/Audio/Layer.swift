import Timing

/// The layers of a mix, each with its own gain and mute.
public enum Layer: String, CaseIterable, Sendable {
    /// Spoken prompts.
    case voice
    /// Bells, chimes and ticks.
    case chime
    /// The breathing tones.
    case breath
    /// The background loop under the session (see `Ambient`).
    case ambient

    /// The layer a cue's sound plays on.
    public init(_ kind: CueKind) {
        switch kind {
        case .voice: self = .voice
        case .breathInhale, .breathExhale, .breathHold: self = .breath
        case .bellStart, .chimeStart, .chimeHalfway, .tick, .chimeSwitch, .chimeEnd, .bellEnd: self = .chime
        }
    }
}

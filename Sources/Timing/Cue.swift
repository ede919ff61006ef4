import Routines

/// What a cue sounds like. The raw values name the cues in plans and key the
/// sounds of a sound pack.
public enum CueKind: String, CaseIterable, Sendable {
    /// A spoken prompt.
    case voice
    /// The bell that opens the session.
    case bellStart = "bell.start"
    /// A hold begins.
    case chimeStart = "chime.start"
    /// Half of a hold is done (optional).
    case chimeHalfway = "chime.halfway"
    /// One second of the countdown at the end of a hold (optional).
    case tick
    /// Change sides.
    case chimeSwitch = "chime.switch"
    /// Release the pose.
    case chimeEnd = "chime.end"
    /// Breathe in: a tone that rises and swells for the whole inhale.
    case breathInhale = "breath.inhale"
    /// Breathe out: a tone that falls and fades for the whole exhale.
    case breathExhale = "breath.exhale"
    /// Hold the breath.
    case breathHold = "breath.hold"
    /// The bell that closes the session.
    case bellEnd = "bell.end"

    /// Whether the cue's sound lasts as long as the cue says (breaths, speech)
    /// rather than as long as its sound is.
    public var isStretched: Bool {
        switch self {
        case .voice, .breathInhale, .breathExhale, .breathHold: true
        default: false
        }
    }
}

/// One sound placed on the session's sample clock.
public struct Cue: Equatable, Sendable {
    /// The first frame of the sound.
    public var frame: Int64
    public var kind: CueKind
    /// How many frames the sound plays.
    public var length: Int64
    /// The round, from 1; 0 for the cues before the first round and after the last.
    public var round: Int
    /// The id of the pose the cue belongs to; `nil` for the opening and closing.
    public var pose: String?
    public var side: Side?
    /// The words spoken with the cue: a voice cue's prompt, or the word on a
    /// breath of a breath-paced pose.
    public var prompt: PromptRef?

    public init(
        frame: Int64, kind: CueKind, length: Int64, round: Int, pose: String? = nil, side: Side? = nil,
        prompt: PromptRef? = nil
    ) {
        self.frame = frame
        self.kind = kind
        self.length = length
        self.round = round
        self.pose = pose
        self.side = side
        self.prompt = prompt
    }

    /// The frame after the sound's last.
    public var end: Int64 { frame + length }
}

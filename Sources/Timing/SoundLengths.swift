import Routines

/// How long sounds are, in frames at the session rate: what the timing engine
/// needs to know of the sound bank to keep speech from overlapping and to
/// find the session's end.
public protocol SoundLengths {
    /// The length of a spoken prompt.
    func frames(of prompt: PromptRef) throws -> Int64
    /// The length of the sound that plays for a cue of a fixed-length kind
    /// (bells, chimes, ticks).
    func frames(of kind: CueKind) -> Int64
}

import Timing

/// What the user asks of a playing session.
public enum Command: Sendable, Equatable {
    /// Pause, or resume after a pause.
    case togglePause
    /// Next, back, lengthen, shorten, faster, slower.
    case edit(TimelineEdit)
    /// Master volume up or down by `PlayerControl.volumeStep` dB.
    case volumeUp, volumeDown
    /// Breathing tones off, or on again.
    case toggleBreath
    /// Say where the session is: round, pose, side, time left.
    case whereAmI
    /// Fade out and stop.
    case stop
    /// A key that means nothing: answered with a soft blip.
    case unknown
    /// A key taken that changes nothing in the sound (the help screen): a short chime.
    case acknowledge
}

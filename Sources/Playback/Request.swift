import Routines
import Timing

/// What a listener asks for, whoever carries it: a key on the terminal
/// (`KeyBindings`), a button (`Keymap`), a line on the box's socket
/// (`Request(line:)`), and the clients to come. A playing session carries
/// out its own (`PlayerControl.perform`); the box carries out the rest.
public enum Request: Equatable, Sendable {
    /// Start a session of `routine` (the configured one when `nil`), fitted
    /// into `length` seconds when given (else the configured length, if
    /// any), with `choices` over the configured options, or go on from the
    /// saved place with `resume` (the box's).
    case start(routine: String?, resume: Bool, length: Double? = nil, choices: StartChoices = StartChoices())
    /// Pause; resume after a pause; whichever of the two applies.
    case pause, resume, toggle
    /// Next, back, longer, shorter, faster, slower.
    case edit(TimelineEdit)
    /// Change the master volume by this many dB, in whole steps of
    /// `PlayerControl.volumeStep`: answered with one earcon, whatever the change.
    case volume(Int)
    /// Breathing tones off, or on again.
    case toggleBreath
    /// Say where the session is: round, pose, side, time left.
    case whereAmI
    /// Fade out and stop.
    case stop
    /// The box's status, once; or at every change from now on; or the last
    /// sessions played (the box's).
    case status, watch, history
    /// Taken, changing nothing in the sound (the help screen): a short chime.
    case acknowledge
    /// Means nothing (a key that is not bound): a soft blip.
    case unknown
}

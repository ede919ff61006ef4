import Audio
import Output
import Playback
import Routines
import SystemCalls
import Timing

// What the session supervisor needs of the world, each behind a small
// protocol: the daemon gives it the real ones (`BoxSound`, `SessionThread`,
// `PlayerControl`, `HardwareVolume`), its tests fakes that run in-process.

/// Makes sessions of routines, ready to play.
public protocol SessionMaker {
    /// A session of `routine` (a built-in name or a file) with `options`,
    /// its rounds and holds fitted into `length` seconds when given,
    /// checked and ready to play; the routine's own name, and the options
    /// it is laid out with (those fitted).
    func session(routine: String, options: SessionOptions, length: Double?) throws
        -> (source: any SessionSource, name: String, options: SessionOptions)
}

/// The box's sound: sessions played on the device, the card's volume
/// control, and the answers given while no session plays.
public protocol SoundDevices: AnyObject {
    /// Starts `source` playing from `start` at `volume` dB on a thread of
    /// its own, which opens the device first.
    func play(_ source: any SessionSource, from start: ResumePoint, volume: Double) -> any RunningSession
    /// Says `prompt` at `volume` dB while no session plays; `nil` when it cannot be said.
    func announce(_ prompt: PromptRef, volume: Double) -> Announcement?
    /// Plays `earcon` at `volume` dB while no session plays, where the
    /// answers have a device of their own; nothing where they have not.
    func answer(_ earcon: Earcon, volume: Double)
    /// The card's own volume control, opened when first needed; `nil`
    /// without one (the samples are scaled instead).
    func cardVolume() -> (any CardVolume)?
    /// The sound devices changed (a card came or went): what was opened of a card may be gone.
    func devicesChanged()
    /// Nothing plays or is said on the session's device now, and nothing
    /// is about to: told after every turn of the box's loop while so.
    func idle()
    /// The box is going down: let go of what `idle` keeps open.
    func quiet()
}

extension SoundDevices {
    public func idle() {}
    public func quiet() {}
}

/// How an announcement is being said.
public enum Announcement {
    /// On the answers' own device, at once: nothing to follow.
    case said
    /// On the session's device, by a session of its own, to follow until it ends.
    case playing(any RunningSession)
}

/// A session on a thread of its own, as the supervisor follows it.
public protocol RunningSession: AnyObject, Sendable {
    /// Signalled when `player` and when `outcome` become known.
    var changed: WakeUp { get }
    /// The session's controls, once it plays.
    var player: (any SessionPlayer)? { get }
    /// How it ended, once it has.
    var outcome: SessionThread.Outcome? { get }
    /// Asks it to fade out and end (or the device wait to give up).
    func stop()
    /// Waits for its thread to end.
    func join()
}

/// The controls of a playing session, as the supervisor and the session keeper use them.
public protocol SessionPlayer: AnyObject, Sendable {
    /// Carries out `request`; its earcon is on its way when this returns.
    func perform(_ request: Request)
    /// What the listener hears now.
    var status: LiveStatus { get }
    /// The session as it is now, edits and all.
    var timeline: Timeline { get }
    /// Whether the device was lost and is not back yet.
    var isWaitingForDevice: Bool { get }
    /// The longest time from a command to its earcon so far, in session frames.
    var longestKeyLatency: Int { get }
    /// Makes every earcon not made yet, so the first press is answered as soon as any.
    func makeEarcons()
}

/// A sound card's own volume control.
public protocol CardVolume: AnyObject {
    /// The control's volume now, in dB.
    var decibels: Double { get }
    /// Moves the control by `step` dB within `limits`; `false` when it was at the limit already.
    func move(by step: Double, within limits: ClosedRange<Double>) throws(DeviceError) -> Bool
}

extension SessionThread: RunningSession {
    public var player: (any SessionPlayer)? { control }
}

extension PlayerControl: SessionPlayer {}

extension HardwareVolume: CardVolume {}

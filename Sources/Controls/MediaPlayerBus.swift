import CMPRIS
import Glibc
import Playback
import SystemCalls
import Timing

/// `play` as a media player of the desktop (MPRIS, on the session bus), so
/// the keyboard's media keys, a headset's buttons, the desktop's media
/// controls and `playerctl` steer the session as the keys do.
///
/// Used from the control thread only: it polls `pollDescriptor`, calls
/// `requests()` when it is ready and `publish` when the session moves.
public final class MediaPlayerBus {
    private let player: OpaquePointer

    /// The bus name's last part: `org.mpris.MediaPlayer2.stretchcue`.
    public static let name = "stretchcue"

    /// What a client asked for.
    public enum Request: Equatable, Sendable {
        case playPause, play, pause, next, previous, stop
        /// `Volume` set: 1 is full volume (0 dB), 0.5 half the amplitude.
        case volume(Double)
    }

    /// Puts the player on the session bus; throws the errno when there is
    /// no session bus or its name cannot be had.
    public init() throws(SystemError) {
        var error: Int32 = 0
        guard let player = stretchcue_mpris_open(Self.name, "Stretchcue", &error) else {
            throw SystemError(call: "sd_bus_open_user", errno: Errno(rawValue: -error))
        }
        self.player = player
    }

    deinit { stretchcue_mpris_close(player) }

    /// What to poll for: the bus connection, with the events it waits for now.
    public var pollDescriptor: pollfd {
        pollfd(fd: stretchcue_mpris_descriptor(player), events: stretchcue_mpris_events(player), revents: 0)
    }

    /// How long a poll may wait before `requests()` must be called, in milliseconds; -1 for no limit.
    public var timeout: Int32 { stretchcue_mpris_timeout(player) }

    /// Answers what came in on the bus and sends what is waiting; the
    /// requests clients made since the last call, oldest first. Throws
    /// when the bus connection is lost.
    public func requests() throws(SystemError) -> [Request] {
        let result = stretchcue_mpris_process(player)
        if result < 0 { throw SystemError(call: "sd_bus_process", errno: Errno(rawValue: -result)) }
        var requests: [Request] = []
        var value = 0.0
        while true {
            switch stretchcue_mpris_next_action(player, &value) {
            case STRETCHCUE_MPRIS_PLAY_PAUSE: requests.append(.playPause)
            case STRETCHCUE_MPRIS_PLAY: requests.append(.play)
            case STRETCHCUE_MPRIS_PAUSE: requests.append(.pause)
            case STRETCHCUE_MPRIS_NEXT: requests.append(.next)
            case STRETCHCUE_MPRIS_PREVIOUS: requests.append(.previous)
            case STRETCHCUE_MPRIS_STOP: requests.append(.stop)
            case STRETCHCUE_MPRIS_VOLUME: requests.append(.volume(value))
            default: return requests
            }
        }
    }

    /// Shows clients where the session is: playing or paused (stopped once
    /// `ended`), the pose as the title, the routine as the album, the
    /// session's length and position, and the volume.
    public func publish(_ status: LiveStatus, routine: String, ended: Bool = false) {
        let rate = Double(max(1, status.sampleRate))
        let microseconds = { (frames: Int64) in Int64((Double(frames) / rate * 1_000_000).rounded()) }
        let state = ended ? "Stopped" : status.paused ? "Paused" : "Playing"
        _ = stretchcue_mpris_update(
            player, state, Int64(status.stepNumber), Self.title(of: status), routine, microseconds(status.frames),
            microseconds(status.frame), Self.linear(decibels: status.volume))
    }

    /// The pose's name, with its side and round when it has them.
    static func title(of status: LiveStatus) -> String {
        guard let step = status.step else { return "" }
        var title = step.name
        if let side = step.side { title += " (\(side.rawValue))" }
        if status.rounds > 1 { title += ", round \(step.round) of \(status.rounds)" }
        return title
    }

    /// MPRIS's volume (1 is full) from the session's in dB, and back.
    static func linear(decibels: Double) -> Double { pow(10, decibels / 20) }
    static func decibels(linear: Double) -> Double { linear > 0 ? 20 * log10(linear) : -.infinity }
}

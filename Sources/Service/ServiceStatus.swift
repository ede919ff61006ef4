import Configuration
import Playback
import Routines

/// What the box is doing, as `status` replies and `watch` events tell it.
public struct ServiceStatus: Equatable, Sendable {
    public enum State: String, Sendable {
        /// No session: waiting to be told to start.
        case idle
        /// A session is asked for, and the device is not there (yet).
        case waiting
        case playing
        case paused
    }

    public var state: State
    /// The routine's name, while a session is on.
    public var routine: String?
    /// The ALSA device played on.
    public var device: String
    /// Master volume in dB; it stays from one session to the next.
    public var volume: Double
    /// Where the session is, while one is on.
    public var session: LiveStatus?

    public init(state: State, routine: String? = nil, device: String, volume: Double, session: LiveStatus? = nil) {
        self.state = state
        self.routine = routine
        self.device = device
        self.volume = volume
        self.session = session
    }

    /// `{"state", "routine", "round", "rounds", "pose", "poses", "name", "side",
    /// "position", "remaining", "hold_start", "hold_end", "breath", "volume", "device"}`: seconds as numbers,
    /// what does not apply as null.
    public var json: JSON {
        let step = session?.step
        let rate = Double(max(1, session?.sampleRate ?? 1))
        func number(_ value: Int?) -> JSON { value.map { JSON.number(Double($0)) } ?? JSON.null }
        func text(_ value: String?) -> JSON { value.map(JSON.string) ?? JSON.null }
        func seconds(_ frames: Int64?) -> JSON {
            frames.map { JSON.number((Double($0) / rate * 10).rounded() / 10) } ?? JSON.null
        }
        var pairs: [(String, JSON)] = [("state", .string(state.rawValue)), ("routine", text(routine))]
        pairs.append(("round", number(step?.round)))
        pairs.append(("rounds", number(session?.rounds)))
        pairs.append(("pose", number(step.map { $0.poseIndex + 1 })))
        pairs.append(("poses", number(session?.poseCount)))
        pairs.append(("name", text(step?.name)))
        pairs.append(("side", text(step?.side?.rawValue)))
        pairs.append(("position", seconds(session?.frame)))
        pairs.append(("remaining", seconds(session.map { $0.frames - $0.frame })))
        pairs.append(("hold_start", seconds(step?.holdStart)))
        pairs.append(("hold_end", seconds(step?.holdEnd)))
        pairs.append(("breath", session.map { .bool($0.breathOn) } ?? .null))
        pairs.append(("volume", .number(volume)))
        pairs.append(("device", .string(device)))
        return .object(pairs)
    }

    /// Whether `other` differs in what a listener would notice: the state,
    /// the step, the volume (not the position, which moves all the time).
    public func differsNoticeably(from other: ServiceStatus) -> Bool {
        state != other.state || routine != other.routine || volume != other.volume
            || session?.stepNumber != other.session?.stepNumber || session?.breathOn != other.session?.breathOn
    }

    /// One line for systemd's status: "playing pose 3 of 7 (Cobra)", "waiting for the device".
    public var summary: String {
        switch state {
        case .idle: return "idle; waiting to be told to start"
        case .waiting: return "waiting for the device \(device)"
        case .playing, .paused:
            guard let step = session?.step, let session else { return "\(state.rawValue) \(routine ?? "")" }
            return "\(state.rawValue) pose \(step.poseIndex + 1) of \(session.poseCount) (\(step.name))"
                + (session.rounds > 1 ? ", round \(step.round) of \(session.rounds)" : "")
        }
    }
}

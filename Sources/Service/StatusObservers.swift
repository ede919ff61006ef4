import Configuration
/// Something that happened to the box's session, as its observers hear it.
public enum SupervisorEvent: Equatable, Sendable {
    /// A session began playing: its device is open.
    case started
    /// The session reached a new step (its place is saved).
    case newStep
    /// The session's device went away; the session waits for it.
    case deviceLost
    /// The session of `routine` ended: `stopped` before its end, or played out.
    case ended(routine: String, stopped: Bool)
    /// What a listener would notice changed: the state, the step, the volume.
    case statusChanged
}

/// Told of every `SupervisorEvent`, with the box's status after it, on the
/// daemon's thread: the hooks, systemd and the socket's watchers.
public protocol StatusObserver: AnyObject {
    func observe(_ event: SupervisorEvent, status: ServiceStatus)
}

/// Runs the configured hooks: `on_start`, `on_pose`, `on_device_lost`, `on_end`.
final class HookRunner: StatusObserver {
    private let hooks: Hooks

    init(_ hooks: Hooks) { self.hooks = hooks }

    func observe(_ event: SupervisorEvent, status: ServiceStatus) {
        var routine = status.routine ?? ""
        var extra: [(String, String)] = []
        let hook: Hooks.Event
        switch event {
        case .started: hook = .start
        case .newStep: hook = .pose
        case .deviceLost: hook = .deviceLost
        case .ended(let name, let stopped):
            hook = .end
            routine = name
            extra = [("stopped", "\(stopped)")]
        case .statusChanged: return
        }
        var state: [(String, String)] = [("state", status.state.rawValue), ("routine", routine), ("device", status.device)]
        if let step = status.session?.step {
            state += [("round", "\(step.round)"), ("pose", step.pose), ("pose_name", step.name), ("side", step.side?.rawValue ?? "")]
        }
        hooks.run(hook, state: state + extra)
    }
}

/// Tells systemd the status, one line, at every change a listener would notice.
final class SystemdStatus: StatusObserver {
    private let notifier: SystemdNotifier

    init(_ notifier: SystemdNotifier) { self.notifier = notifier }

    func observe(_ event: SupervisorEvent, status: ServiceStatus) {
        guard event == .statusChanged else { return }
        notifier.send(["STATUS=\(status.summary)"])
    }
}

/// Sends the socket's watchers (`watch`) a `status` event at every change a listener would notice.
final class StatusWatchers: StatusObserver {
    private let server: ControlServer

    init(_ server: ControlServer) { self.server = server }

    func observe(_ event: SupervisorEvent, status: ServiceStatus) {
        guard event == .statusChanged else { return }
        server.broadcast(.object([("event", .string("status")), ("status", status.json)]))
    }
}

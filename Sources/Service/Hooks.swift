import Glibc
import SystemCalls

/// Commands a box runs when something happens (`on_start`, `on_pose`,
/// `on_end`, `on_device_lost`): to switch an amplifier's relay or an LED.
/// Each runs through `/bin/sh -c` with the state in `STRETCHCUE_*`
/// environment variables and is never waited for, so a slow or stuck hook
/// cannot hold up the sound or the controls; finished ones are reaped.
public struct Hooks: Equatable, Sendable {
    public enum Event: String, CaseIterable, Sendable {
        case start = "on_start"
        case pose = "on_pose"
        case end = "on_end"
        case deviceLost = "on_device_lost"
    }

    public var commands: [Event: String]

    public init(_ commands: [Event: String] = [:]) { self.commands = commands }

    /// Starts the hook for `event`, if there is one, with `state` as
    /// environment variables (`STRETCHCUE_EVENT`, then `STRETCHCUE_` and
    /// each key in capitals). Returns its process id.
    @discardableResult
    public func run(_ event: Event, state: [(String, String)]) -> pid_t? {
        guard let command = commands[event] else { return nil }
        var environment = Spawn.environment.filter { !$0.hasPrefix("STRETCHCUE_") }
        environment.append("STRETCHCUE_EVENT=\(event.rawValue.dropFirst(3))")
        for (key, value) in state { environment.append("STRETCHCUE_\(key.uppercased())=\(value.replacingNewlines)") }
        let arguments = ["/bin/sh", "-c", command]
        return Spawn.run(arguments, environment: environment)
    }

    /// Collects hooks that have finished, so none lingers as a zombie.
    public static func reap() {
        var status: Int32 = 0
        while waitpid(-1, &status, WNOHANG) > 0 {}
    }
}

import Configuration
import Glibc
import SystemCalls

/// Runs the config's hooks: each through `/bin/sh -c` with the state in
/// `STRETCHCUE_*` environment variables, never waited for, so a slow or
/// stuck hook cannot hold up the sound or the controls; finished ones are reaped.
extension Hooks {
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
}

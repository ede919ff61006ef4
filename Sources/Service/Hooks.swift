import Glibc

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
        var environment = ProcessEnvironment.current.filter { !$0.hasPrefix("STRETCHCUE_") }
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

/// The process's environment as `NAME=value` strings.
enum ProcessEnvironment {
    static var current: [String] {
        var result: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            result.append(String(cString: pointer))
            entry += 1
        }
        return result
    }
}

/// Starting programs without waiting for them.
enum Spawn {
    /// Starts `arguments[0]` with `arguments` and `environment`, its standard
    /// input from /dev/null; `nil` when it could not be started.
    static func run(_ arguments: [String], environment: [String]) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A child starts with no signal blocked and the default handlers, whatever this process set.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        return result == 0 ? pid : nil
    }
}

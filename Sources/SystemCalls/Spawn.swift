import Glibc

/// Starting other programs: hooks left to run, and tools (a speech engine)
/// waited for.
public enum Spawn {
    /// Starts `arguments[0]` (looked for in `PATH` when it has no `/`) with
    /// `arguments` and `environment`, its standard input from /dev/null and
    /// its standard output into `output` when given; `nil` when it could not
    /// be started.
    public static func run(_ arguments: [String], environment: [String], output: String? = nil) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let output { posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600) }
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
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        return result == 0 ? pid : nil
    }

    /// Runs `arguments` as `run` does and waits for it: its exit status, or
    /// `nil` when it could not be started or was killed by a signal.
    public static func wait(_ arguments: [String], environment: [String], output: String? = nil) -> Int32? {
        guard let pid = run(arguments, environment: environment, output: output) else { return nil }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return nil }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : nil
    }

    /// Collects every child that has finished and was not waited for (hooks
    /// left to run), so none lingers as a zombie.
    public static func reapFinished() {
        var status: Int32 = 0
        while waitpid(-1, &status, WNOHANG) > 0 {}
    }

    /// The process's environment as `NAME=value` strings.
    public static var environment: [String] {
        var result: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            result.append(String(cString: pointer))
            entry += 1
        }
        return result
    }
}

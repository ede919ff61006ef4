import Audio
import Glibc
import Output
import Playback
import Routines
import SystemCalls
import Timing

/// Everything a box (and `play`) can be set to: built-in defaults, then a
/// config file, then the command line, each value remembering where it
/// came from (`stretchcue config show`).
///
/// The config file is YAML with the keys in `Settings.keys`, every one
/// optional; a mistake is one `FILE:LINE:COLUMN` line naming what was
/// expected (`stretchcue config check`).
public struct Settings: Sendable {
    public var device = "default"
    /// Where the answers to keys and buttons play, when not in the session's
    /// own stream (`ReplyDevice`); `nil`: as the device says.
    public var earconDevice: String?
    public var bufferMilliseconds = 100
    /// A sample format to insist on, as `play --sample-format` (a Snapcast
    /// pipe's must be the server's stream's); `nil`: the device's choice.
    public var sampleFormat: SampleFormat?
    /// On a card that can take back what it was given, the buffer kept
    /// full instead, rewound for keys; 0 never rewinds.
    public var rewindMilliseconds = 500
    public var leadInMilliseconds = 1000
    public var stallTimeout = 2.0
    /// The routine `start` plays when none is named.
    public var routine = "back-tension"
    /// Whether `play` is a media player of the desktop (MPRIS) when there is a session bus.
    public var mpris = true
    /// The length, in seconds, to fit a session into by its rounds and holds (`--length`).
    public var length: Double?
    public var options = SessionOptions()
    /// Layer gains and mutes.
    public var mix = MixSettings()
    /// A voice pack folder and a chime pack folder, instead of the built-in ones.
    public var voice: String?
    public var chimes: String?
    /// Sound packs, by name or folder, the first that has a sound winning.
    public var packs: [String] = []
    /// The master volume a box starts at, in dB.
    public var volume = 0.0
    /// The sound card's volume control the volume keys drive instead of
    /// scaling the samples (`Digital`, `PCM`, `Master`...).
    public var mixerControl: String?
    /// The control socket, and the group that may use it besides this user and root.
    public var socket: String
    public var socketGroup: String?
    /// Whether the buttons' devices are taken for this program alone.
    public var grabInputs = false
    public var keymap = Keymap.standard
    public var hooks = Hooks()
    /// Where the saved place and the history are kept.
    public var stateFolder: String
    /// The folders whose routine files clients of the socket may start
    /// (`RoutineAccess`); `nil`: `/etc/stretchcue/routines` and the state
    /// folder's `routines`.
    public var routineFolders: [String]?
    /// Where input devices and sound devices appear (tests point these elsewhere).
    public var inputFolder = "/dev/input"
    public var soundFolder = "/dev/snd"
    /// The remote's (`stretchcue remote`): where it listens, how fast a client may ask.
    public var remote = RemoteSettings()
    /// Where each setting came from, by its config key: "FILE:LINE", "command line".
    public private(set) var origins: [String: String] = [:]

    /// The keys a config file may have.
    public static let keys = [
        "device", "earcon_device", "sample_format", "buffer_ms", "rewind_ms", "lead_in_ms", "stall_timeout", "routine", "length", "rounds", "hold", "pace", "breathing",
        "halfway", "countdown", "gains", "mute", "pan_sides", "ambient_noise", "keep_awake", "voice", "chimes", "packs", "volume", "mixer_control", "socket",
        "socket_group", "grab_inputs", "mpris", "keymap", "hooks", "state_folder",
        "routines", "remote",
    ]

    /// The defaults, with the socket and state folder placed as systemd
    /// (`$RUNTIME_DIRECTORY`, `$STATE_DIRECTORY`) or the XDG base
    /// directories (`$XDG_RUNTIME_DIR`, `$XDG_STATE_HOME`) say.
    public init(environment: [String: String] = Settings.environment) {
        socket = Self.defaultSocket(environment)
        if let state = environment["STATE_DIRECTORY"], !state.isEmpty {
            stateFolder = String(state.split(separator: ":").first ?? "")
        } else if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            stateFolder = state + "/stretchcue"
        } else {
            stateFolder = (environment["HOME"] ?? "/root") + "/.local/state/stretchcue"
        }
    }

    /// Where the control socket is, when nothing names it: the service's
    /// runtime folder, the user's, or the system's.
    public static func defaultSocket(_ environment: [String: String]) -> String {
        if let runtime = environment["RUNTIME_DIRECTORY"], !runtime.isEmpty {
            return String(runtime.split(separator: ":").first ?? "") + "/stretchcue.sock"
        }
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") { return runtime + "/stretchcue.sock" }
        return "/run/stretchcue/stretchcue.sock"
    }

    /// The process's environment.
    public static var environment: [String: String] {
        var result: [String: String] = [:]
        for entry in Spawn.environment {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            result[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        return result
    }

    /// The config files looked for, in order: the first that exists is read.
    /// A service reads `/etc/stretchcue/config.yaml`; a person's own comes first.
    public static func configFiles(_ environment: [String: String] = Settings.environment) -> [String] {
        var files: [String] = []
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            files.append(config + "/stretchcue/config.yaml")
        } else if let home = environment["HOME"], !home.isEmpty, environment["STATE_DIRECTORY"] == nil {
            files.append(home + "/.config/stretchcue/config.yaml")
        }
        files.append("/etc/stretchcue/config.yaml")
        return files
    }

    /// Which routines clients of the socket may start.
    public var routineAccess: RoutineAccess {
        RoutineAccess(folders: routineFolders ?? ["/etc/stretchcue/routines", stateFolder + "/routines"]) {
            BuiltInRoutines.named($0) != nil
        }
    }

    /// The saved place and the history file.
    public var placePath: String { stateFolder + "/place.yaml" }
    public var historyPath: String { stateFolder + "/history.jsonl" }

    /// How a live session starts and recovers on a box: never giving up on the device.
    public var live: LiveSettings {
        LiveSettings(leadIn: .milliseconds(leadInMilliseconds), giveUpAfter: .seconds(10 * 365 * 86_400), volume: volume)
    }

    /// The group id of `socketGroup`; throws when there is no such group.
    public func socketGroupID() throws(InputError) -> gid_t? {
        guard let socketGroup else { return nil }
        guard let group = Users.groupID(named: socketGroup) else {
            throw InputError(file: origins["socket_group"] ?? "socket_group", message: "no group named '\(socketGroup.escapingControlCharacters)'; expected a group on this system")
        }
        return group
    }

    /// Notes that `key` was set on the command line.
    public mutating func setByCommandLine(_ key: String) { origins[key] = "command line" }

    // MARK: The config file

    /// The defaults for a program run in `environment`, then the config
    /// `file` over them (else the first found of those `configFiles` lists,
    /// or none).
    public init(configFile file: String?, environment: [String: String] = Settings.environment) throws(InputError) {
        self.init(environment: environment)
        if let file = file ?? Self.configFiles(environment).first(where: Files.exists) { try load(configFile: file) }
    }

    /// Reads the config file at `path` over these settings.
    public mutating func load(configFile path: String) throws(InputError) {
        guard let root = try YAMLFile.read(path, limit: 1 << 20, name: "the config", expected: "a config file") else { return }
        try ConfigReader(file: path).read(root, into: &self)
    }

    fileprivate mutating func note(_ key: String, _ node: YAMLNode, file: String) {
        origins[key] = "\(file):\(node.line)"
    }

    /// The effective settings, one `key: value  # where from` line each.
    public var lines: [String] {
        func quoted(_ text: String) -> String { JSON.string(text).text }
        var values: [(String, String)] = [
            ("device", quoted(device)), ("earcon_device", earconDevice.map(quoted) ?? "null"),
            ("sample_format", sampleFormat.map { quoted($0.rawValue) } ?? "null"), ("buffer_ms", "\(bufferMilliseconds)"),
            ("rewind_ms", "\(rewindMilliseconds)"), ("lead_in_ms", "\(leadInMilliseconds)"),
            ("stall_timeout", stallTimeout.formatted), ("routine", quoted(routine)),
            ("length", length.map { quoted(Timeline.clock(seconds: Int($0))) } ?? "null"),
            ("rounds", options.rounds.map { "\($0)" } ?? "null"), ("hold", options.hold?.formatted ?? "null"),
            ("pace", options.pace.formatted), ("breathing", options.breathing.map { quoted("\($0)") } ?? "null"),
            ("halfway", "\(options.halfwayChime)"), ("countdown", "\(options.countdown)"),
            ("gains", "{" + Layer.allCases.map { "\($0.rawValue): \((mix.gains[$0] ?? 0).formatted)" }.joined(separator: ", ") + "}"),
            ("mute", "[" + Layer.allCases.filter(mix.muted.contains).map(\.rawValue).joined(separator: ", ") + "]"),
            ("pan_sides", "\(mix.panSides)"), ("ambient_noise", "\(mix.ambientNoise)"), ("keep_awake", "\(mix.keepAwake)"),
            ("voice", voice.map(quoted) ?? "null"), ("chimes", chimes.map(quoted) ?? "null"),
            ("packs", "[" + packs.map(quoted).joined(separator: ", ") + "]"),
            ("volume", volume.formatted), ("mixer_control", mixerControl.map(quoted) ?? "null"), ("socket", quoted(socket)), ("socket_group", socketGroup.map(quoted) ?? "null"),
            ("grab_inputs", "\(grabInputs)"), ("mpris", "\(mpris)"), ("state_folder", quoted(stateFolder)),
            ("routines", "[" + routineAccess.folders.map(quoted).joined(separator: ", ") + "]"),
            ("remote", "{listen: \(quoted(remote.listen)), requests_per_second: \(remote.requestsPerSecond)}"),
        ]
        let keys = keymap.actions.sorted { $0.key < $1.key }.map { "\(KeyNames.name($0.key)): \(quoted($0.value.request.line ?? ""))" }
        values.append(("keymap", "{" + keys.joined(separator: ", ") + "}"))
        let hooks = Hooks.Event.allCases.compactMap { event in self.hooks.commands[event].map { "\(event.rawValue): \(quoted($0))" } }
        values.append(("hooks", "{" + hooks.joined(separator: ", ") + "}"))
        return values.map { key, value in "\(key): \(value)  # \(origins[key] ?? "default")" }
    }
}

/// Reads a config file's tree into `Settings`, checking every value.
private struct ConfigReader: YAMLReading {
    let file: String

    func read(_ root: YAMLNode, into settings: inout Settings) throws(InputError) {
        let fields = try mapping(root, what: "a config", keys: Settings.keys)
        for (key, value) in fields.pairs {
            let name = key.text!
            try read(name, value, into: &settings)
            settings.note(name, key, file: file)
        }
    }

    private func read(_ key: String, _ value: YAMLNode, into settings: inout Settings) throws(InputError) {
        switch key {
        case "device": settings.device = try text(value)
        case "earcon_device": settings.earconDevice = try text(value)
        case "sample_format":
            guard let format = value.text.flatMap(SampleFormat.init(rawValue:)) else {
                throw error(at: value, "unknown sample format \(value.described); expected s16, s24, s32 or float")
            }
            settings.sampleFormat = format
        case "buffer_ms": settings.bufferMilliseconds = try integer(value, in: PlaybackLimits.bufferMilliseconds, what: "buffer_ms")
        case "rewind_ms":
            settings.rewindMilliseconds = try integer(value, in: 0...PlaybackLimits.rewindMilliseconds.upperBound, what: "rewind_ms")
            guard settings.rewindMilliseconds == 0 || PlaybackLimits.rewindMilliseconds.contains(settings.rewindMilliseconds) else {
                throw error(at: value, "rewind_ms must be 0 (never rewind) or 100 to 2000; found \(settings.rewindMilliseconds)")
            }
        case "lead_in_ms": settings.leadInMilliseconds = try integer(value, in: PlaybackLimits.leadInMilliseconds, what: "lead_in_ms")
        case "stall_timeout": settings.stallTimeout = try seconds(value, in: PlaybackLimits.stallTimeout, what: "stall_timeout")
        case "routine": settings.routine = try text(value)
        case "length":
            guard let seconds = value.text.flatMap(LengthFit.seconds(parsing:)), LengthFit.seconds.contains(seconds) else {
                throw error(at: value, "length must be like \"15m\", \"90s\" or \"1h30m\", from 1 minute to 24 hours; found \(value.described)")
            }
            settings.length = seconds
        case "rounds": settings.options.rounds = try integer(value, in: RoutineLimits.rounds, what: "rounds")
        case "hold": settings.options.hold = try seconds(value, in: RoutineLimits.hold, what: "a hold")
        case "pace": settings.options.pace = try number(value, in: RoutineLimits.pace, what: "pace")
        case "breathing":
            guard let text = value.text, let pattern = BreathPattern(parsing: text) else {
                throw error(at: value, "breathing must be \"IN:OUT\" or \"IN:HOLD:OUT:HOLD\" in seconds, like \"4:6\"; found \(value.described)")
            }
            if let problem = pattern.problem { throw error(at: value, "breathing \(text): \(problem)") }
            settings.options.breathing = pattern
        case "halfway": settings.options.halfwayChime = try flag(value, what: "halfway")
        case "countdown":
            settings.options.countdown = try integer(value, in: SessionOptions.countdownSeconds, what: "countdown")
        case "gains":
            let gains = try mapping(value, what: "layer gains", keys: Layer.allCases.map(\.rawValue))
            for (layer, gain) in gains.pairs {
                settings.mix.gains[Layer(rawValue: layer.text!)!] = try number(gain, in: MixSettings.gainRange, what: "a gain in dB")
            }
        case "mute":
            let layers = try list(value, what: "mute") { node throws(InputError) -> Layer in
                guard let layer = node.text.flatMap(Layer.init(rawValue:)) else {
                    throw error(at: node, "unknown layer \(node.described); expected voice, chime, breath or ambient")
                }
                return layer
            }
            settings.mix.muted = Set(layers)
        case "mpris": settings.mpris = try flag(value, what: "mpris")
        case "pan_sides": settings.mix.panSides = try flag(value, what: "pan_sides")
        case "ambient_noise": settings.mix.ambientNoise = try flag(value, what: "ambient_noise")
        case "keep_awake": settings.mix.keepAwake = try flag(value, what: "keep_awake")
        case "voice": settings.voice = try folder(value)
        case "chimes": settings.chimes = try folder(value)
        case "packs":
            settings.packs = try list(value, what: "packs") { node throws(InputError) in
                let pack = try text(node)
                return pack.contains("/") ? try folder(node) : pack
            }
        case "volume": settings.volume = try number(value, in: PlayerControl.volumeRange, what: "volume")
        case "mixer_control": settings.mixerControl = try text(value)
        case "socket":
            let path = try text(value)
            guard path.hasPrefix("/") else { throw error(at: value, "the socket must be an absolute path; found \(value.described)") }
            settings.socket = path
        case "socket_group": settings.socketGroup = try text(value)
        case "grab_inputs": settings.grabInputs = try flag(value, what: "grab_inputs")
        case "keymap": settings.keymap = try keymap(value)
        case "hooks":
            let hooks = try mapping(value, what: "hooks", keys: Hooks.Event.allCases.map(\.rawValue))
            for (event, command) in hooks.pairs {
                settings.hooks.commands[Hooks.Event(rawValue: event.text!)!] = try text(command)
            }
        case "state_folder":
            let path = try text(value)
            guard path.hasPrefix("/") else { throw error(at: value, "state_folder must be an absolute path; found \(value.described)") }
            settings.stateFolder = path
        case "routines":
            settings.routineFolders = try list(value, what: "routines") { node throws(InputError) in try folder(node) }
        case "remote":
            let fields = try mapping(value, what: "the remote's settings", keys: RemoteSettings.keys)
            for (key, value) in fields.pairs {
                if key.text == "listen" {
                    guard let text = value.text, let (address, port) = RemoteSettings.parse(listen: text) else {
                        throw error(at: value, "listen must be an IPv4 address and a port, like \"0.0.0.0:8080\"; found \(value.described)")
                    }
                    (settings.remote.address, settings.remote.port) = (address, port)
                } else {
                    settings.remote.requestsPerSecond = try integer(value, in: RemoteSettings.rates, what: "requests_per_second")
                }
            }
        default: break
        }
    }

    /// A folder, relative to the config file's own.
    private func folder(_ node: YAMLNode) throws(InputError) -> String {
        let path = try text(node)
        return path.hasPrefix("/") ? path : Files.folder(of: file) + "/" + path
    }

    /// Key names (`KEY_PLAYPAUSE`, or a code) to requests (`toggle`, `volume +2`).
    private func keymap(_ node: YAMLNode) throws(InputError) -> Keymap {
        let fields = try mapping(node, what: "a keymap") { name in
            KeyNames.code(name) == nil ? "expected a key name like KEY_PLAYPAUSE or a key code" : nil
        }
        var actions: [UInt16: Request] = [:]
        for (key, value) in fields.pairs {
            let request: Request
            do {
                request = try Request(line: try text(value))
            } catch let failure as ControlError {
                throw error(at: value, failure.description)
            } catch {
                throw error as! InputError
            }
            guard request != .status, request != .watch, request != .history else {
                throw error(at: value, "a key cannot `\(request.line ?? "")`; expected a command that acts, like toggle")
            }
            actions[KeyNames.code(key.text!)!] = request
        }
        return Keymap(actions)
    }
}

import CALSA
import Glibc

/// What an ALSA PCM name leads to, read from ALSA's configuration without
/// opening the device (so without waking a server or a Bluetooth link):
/// the PCM's `type`, followed through the plugins that wrap another PCM
/// (`plug`, `softvol`, `rate`...) to the one that plays.
public enum PCMKind: String, Equatable, Sendable {
    /// A sound card, directly or through ALSA's own plugins (`hw`, `dmix`).
    case card
    /// A PulseAudio server, or PipeWire's pulse server (`type pulse`).
    case pulseAudio
    /// PipeWire through its own ALSA plugin (`type pipewire`, pipewire-alsa).
    case pipeWire
    /// JACK (`type jack`).
    case jack
    /// A Bluetooth device through BlueALSA (`type bluealsa`): one stream
    /// per device, and frames sent cannot be taken back.
    case blueALSA
    /// ALSA's file or null plugin: keeps no time.
    case noDevice
    /// A name the configuration does not define, or a type not known here.
    case unknown

    /// Whether it is a sound server, which mixes a second stream beside
    /// the session's (so the answers to keys play on one of their own).
    public var isServer: Bool { self == .pulseAudio || self == .pipeWire || self == .jack }

    /// How `devices` names it.
    public var label: String {
        switch self {
        case .card: "sound card"
        case .pulseAudio: "sound server: PulseAudio (or PipeWire's pulse server)"
        case .pipeWire: "sound server: PipeWire"
        case .jack: "sound server: JACK"
        case .blueALSA: "Bluetooth through BlueALSA: one stream, answers in the session's"
        case .noDevice: "no device: keeps no time"
        case .unknown: "unknown"
        }
    }

    /// The kind of the PCM `name` opens (`pulse`, `default`, `plughw:1`,
    /// `bluealsa:DEV=...`, `pipewire:NODE=...`).
    public static func of(_ name: String) -> PCMKind {
        guard snd_config_update() >= 0, let root = stretchcue_alsa_config() else { return .unknown }
        var definition: OpaquePointer?
        guard snd_config_search_definition(root, "pcm", name, &definition) >= 0, let definition else {
            return name.hasPrefix("hw:") || name.hasPrefix("plughw:") ? .card : .unknown
        }
        defer { snd_config_delete(definition) }
        return kind(of: definition, root: root, depth: 0)
    }

    /// The plugins that wrap one other PCM, named by `slave.pcm` (or `slave`).
    private static let wrappers: Set<String> = [
        "plug", "softvol", "rate", "linear", "route", "empty", "asym", "copy", "lfloat", "mulaw", "alaw", "adpcm",
        "iec958", "ladspa", "hooks", "speex", "upmix", "vdownmix", "lavrate", "samplerate", "speexrate", "mmap_emul",
    ]

    private static func kind(of node: OpaquePointer, root: OpaquePointer, depth: Int) -> PCMKind {
        guard depth < 12, let type = string(node, "type") else { return .unknown }
        switch type {
        case "hw", "dmix", "dshare", "dsnoop", "shm": return .card
        case "pulse": return .pulseAudio
        case "pipewire": return .pipeWire
        case "jack": return .jack
        case "bluealsa": return .blueALSA
        case "file", "null": return .noDevice
        case _ where wrappers.contains(type): return slaveKind(node, root: root, depth: depth) ?? .unknown
        default: return .unknown
        }
    }

    /// The kind of the PCM a wrapper plays through: `slave.pcm`,
    /// `slave`, or `playback.pcm` (asym), a name or a definition in place.
    private static func slaveKind(_ node: OpaquePointer, root: OpaquePointer, depth: Int) -> PCMKind? {
        for key in ["slave.pcm", "slave", "playback.pcm"] {
            var inner: OpaquePointer?
            guard snd_config_search(node, key, &inner) >= 0, let inner else { continue }
            if snd_config_get_type(inner) == SND_CONFIG_TYPE_COMPOUND {
                if key == "slave", string(inner, "type") == nil { continue }  // `slave { pcm ... }`, found as slave.pcm
                return kind(of: inner, root: root, depth: depth + 1)
            }
            var text: UnsafePointer<CChar>?
            guard snd_config_get_string(inner, &text) >= 0, let text else { continue }
            var definition: OpaquePointer?
            guard snd_config_search_definition(root, "pcm", text, &definition) >= 0, let definition else {
                return .unknown
            }
            defer { snd_config_delete(definition) }
            return kind(of: definition, root: root, depth: depth + 1)
        }
        return nil
    }

    private static func string(_ node: OpaquePointer, _ key: String) -> String? {
        var field: OpaquePointer?
        var text: UnsafePointer<CChar>?
        guard snd_config_search(node, key, &field) >= 0, let field, snd_config_get_string(field, &text) >= 0, let text
        else { return nil }
        return String(cString: text)
    }
}

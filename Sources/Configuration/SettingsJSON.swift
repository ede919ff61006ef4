import Audio
import Routines

extension Settings {
    /// The effective settings for scripts (`config show --json`): by config
    /// key, `{"value": V, "from": "default" | "FILE:LINE" | "command line"}`,
    /// the values as the config file writes them.
    public var json: JSON {
        func text(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
        func number(_ value: some BinaryInteger) -> JSON { .number(Double(value)) }
        let values: [(String, JSON)] = [
            ("device", .string(device)), ("earcon_device", text(earconDevice)), ("sample_format", text(sampleFormat?.rawValue)),
            ("buffer_ms", number(bufferMilliseconds)), ("rewind_ms", number(rewindMilliseconds)),
            ("lead_in_ms", number(leadInMilliseconds)), ("stall_timeout", .number(stallTimeout)), ("routine", .string(routine)),
            ("length", length.map(JSON.number) ?? .null),
            ("rounds", options.rounds.map(number) ?? .null), ("hold", options.hold.map(JSON.number) ?? .null),
            ("pace", .number(options.pace)), ("breathing", text(options.breathing?.description)),
            ("halfway", .bool(options.halfwayChime)), ("countdown", number(options.countdown)),
            ("gains", .object(Layer.allCases.map { ($0.rawValue, .number(mix.gains[$0] ?? 0)) })),
            ("mute", .array(Layer.allCases.filter(mix.muted.contains).map { .string($0.rawValue) })),
            ("pan_sides", .bool(mix.panSides)), ("ambient_noise", .bool(mix.ambientNoise)), ("keep_awake", .bool(mix.keepAwake)),
            ("voice", text(voice)), ("chimes", text(chimes)), ("packs", .array(packs.map(JSON.string))),
            ("volume", .number(volume)), ("mixer_control", text(mixerControl)), ("socket", .string(socket)),
            ("socket_group", text(socketGroup)), ("grab_inputs", .bool(grabInputs)), ("mpris", .bool(mpris)), ("state_folder", .string(stateFolder)),
            ("routines", .array(routineAccess.folders.map(JSON.string))),
            ("remote", .object([("listen", .string(remote.listen)), ("requests_per_second", number(remote.requestsPerSecond))])),
            (
                "keymap",
                .object(keymap.actions.sorted { $0.key < $1.key }.map { (KeyNames.name($0.key), .string($0.value.request.line ?? "")) })
            ),
            ("hooks", .object(Hooks.Event.allCases.compactMap { event in hooks.commands[event].map { (event.rawValue, .string($0)) } })),
        ]
        return .object(values.map { key, value in (key, .object([("value", value), ("from", .string(origins[key] ?? "default"))])) })
    }
}

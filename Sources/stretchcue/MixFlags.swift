import ArgumentParser
import Audio
import Routines

/// Layer gains and mutes, on `render` and `play`.
struct MixFlags: ParsableArguments {
    @Option(
        name: .customLong("gain"),
        help: ArgumentHelp("A layer's gain in dB, LAYER=DB (layers: voice, chime, breath, ambient); repeatable.", valueName: "layer=db"))
    var gainSettings: [String] = []

    @Option(help: ArgumentHelp("Layers to leave out, comma separated: voice, chime, breath, ambient.", valueName: "layers"))
    var mute: String?

    @Flag(help: "Mix to one channel instead of two.")
    var mono = false

    @Flag(help: "Left-side prompts and chimes toward the left channel, right-side toward the right.")
    var panSides = false

    @Flag(help: "A soft background noise under the session, ducked under the voice, when no pack brings an ambient sound.")
    var ambientNoise = false

    @Flag(help: "An inaudible 25 Hz tone under the whole session, so a speaker that sleeps in digital silence stays on.")
    var keepAwake = false

    func validate() throws { _ = try settings(over: MixSettings()) }

    /// The mixer settings: the routine's gains, the config's settings
    /// (`base`) over them, and these flags over both (a gain given replaces
    /// the layer's, a mute list the config's).
    func settings(over base: MixSettings, routine: Routine? = nil) throws -> MixSettings {
        var settings = base.withGains(of: routine)
        settings.channels = mono ? 1 : 2
        settings.panSides = panSides || base.panSides
        settings.ambientNoise = ambientNoise || base.ambientNoise
        settings.keepAwake = keepAwake || base.keepAwake
        if mute != nil { settings.muted = [] }
        let layers = Layer.allCases.map(\.rawValue).joined(separator: ", ")
        for setting in gainSettings {
            let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let layer = Layer(rawValue: parts[0]) else {
                throw ValidationError("--gain '\(setting)' is not LAYER=DB with a layer from: \(layers)")
            }
            guard let decibels = Double(parts[1]), MixSettings.gainRange.contains(decibels) else {
                throw ValidationError("--gain '\(setting)': expected a gain from -60 to 12 dB")
            }
            settings.gains[layer] = decibels
        }
        for name in (mute ?? "").split(separator: ",") {
            guard let layer = Layer(rawValue: String(name)) else {
                throw ValidationError("--mute '\(name)' is not a layer; expected one of: \(layers)")
            }
            settings.muted.insert(layer)
        }
        return settings
    }
}

extension MixSettings {
    /// These settings, with the routine's gain for each layer they set none for.
    func withGains(of routine: Routine?) -> MixSettings {
        var settings = self
        for (name, gain) in routine?.gains ?? [:] {
            if let layer = Layer(rawValue: name), settings.gains[layer] == nil { settings.gains[layer] = gain }
        }
        return settings
    }
}

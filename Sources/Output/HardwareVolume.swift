import CALSA
import Glibc
import Synchronization

/// A sound card's own volume control (a simple mixer element: `Digital` on
/// HiFiBerry-style HATs, `PCM` on the Pi's jack, `Master` through a sound
/// server), driven in dB instead of scaling the samples, so the DAC keeps
/// its full resolution at low volume.
///
/// A control with a dB scale is set in dB; one without is taken as linear
/// in amplitude over its raw range. It may be used from any thread.
public final class HardwareVolume: Sendable {
    /// The mixer the control was found on, and the control's name.
    public let mixerName: String
    public let control: String
    /// The volumes the control can be set to, in dB (at most 0 for a control without a dB scale).
    public let range: ClosedRange<Double>
    private let element: Mutex<Element>

    /// The open mixer and its element.
    private struct Element: ~Copyable {
        let mixer: OpaquePointer
        let element: OpaquePointer
        /// The raw range, and whether the control has a dB scale.
        let raw: ClosedRange<Int>
        let hasDecibels: Bool

        deinit { snd_mixer_close(mixer) }
    }

    /// Opens the mixer of the PCM `device` (`hw:1` for `plughw:1,0`,
    /// `hw:CARD=DAC` for `hw:CARD=DAC,DEV=0`, else the same name) and
    /// finds `control` on it, a control with a playback volume.
    public init(device: String, control: String) throws(DeviceError) {
        let mixerName = Self.mixerName(for: device)
        self.mixerName = mixerName
        self.control = control
        var handle: OpaquePointer?
        try ALSADevice.call("snd_mixer_open", mixerName, snd_mixer_open(&handle, 0))
        guard let mixer = handle else { throw DeviceError(device: mixerName, function: "snd_mixer_open", code: ENODEV, text: "no mixer") }
        var raw = 0...0
        var decibels: ClosedRange<Double>?
        let found: OpaquePointer
        do throws(DeviceError) {
            try ALSADevice.call("snd_mixer_attach", mixerName, snd_mixer_attach(mixer, mixerName))
            try ALSADevice.call("snd_mixer_selem_register", mixerName, snd_mixer_selem_register(mixer, nil, nil))
            try ALSADevice.call("snd_mixer_load", mixerName, snd_mixer_load(mixer))
            var id: OpaquePointer?
            try ALSADevice.call("snd_mixer_selem_id_malloc", mixerName, snd_mixer_selem_id_malloc(&id))
            defer { snd_mixer_selem_id_free(id) }
            snd_mixer_selem_id_set_index(id, 0)
            snd_mixer_selem_id_set_name(id, control)
            guard let element = snd_mixer_find_selem(mixer, id), snd_mixer_selem_has_playback_volume(element) != 0 else {
                throw DeviceError(
                    device: mixerName, function: "snd_mixer_find_selem", code: ENOENT,
                    text: "no playback volume control named '\(control)' (amixer -D \(mixerName) scontrols lists them)")
            }
            found = element
            var low = 0
            var high = 0
            try ALSADevice.call(
                "snd_mixer_selem_get_playback_volume_range", mixerName, snd_mixer_selem_get_playback_volume_range(element, &low, &high))
            raw = low...max(low, high)
            if snd_mixer_selem_get_playback_dB_range(element, &low, &high) == 0, high > low {
                decibels = max(Double(low) / 100, -100)...Double(high) / 100
            }
        } catch {
            snd_mixer_close(mixer)
            throw error
        }
        range = decibels ?? -40...0
        element = Mutex(Element(mixer: mixer, element: found, raw: raw, hasDecibels: decibels != nil))
    }

    /// The control's volume now (its first channel), in dB.
    public var decibels: Double {
        element.withLock { element in
            snd_mixer_handle_events(element.mixer)
            if element.hasDecibels {
                var value = 0
                return snd_mixer_selem_get_playback_dB(element.element, SND_MIXER_SCHN_FRONT_LEFT, &value) == 0
                    ? Double(value) / 100 : range.lowerBound
            }
            var value = 0
            snd_mixer_selem_get_playback_volume(element.element, SND_MIXER_SCHN_FRONT_LEFT, &value)
            let fraction = Double(value - element.raw.lowerBound) / Double(max(1, element.raw.count - 1))
            return fraction > 0 ? max(range.lowerBound, 20 * log10(fraction)) : range.lowerBound
        }
    }

    /// Sets every channel to `decibels` (within `range`), rounded down to a step the control has.
    public func set(decibels: Double) throws(DeviceError) {
        let wanted = min(max(decibels, range.lowerBound), range.upperBound)
        let result = element.withLock { element in
            if element.hasDecibels {
                return ("snd_mixer_selem_set_playback_dB_all", snd_mixer_selem_set_playback_dB_all(element.element, Int((wanted * 100).rounded()), -1))
            }
            let fraction = pow(10, wanted / 20)
            let value = element.raw.lowerBound + Int((fraction * Double(element.raw.count - 1)).rounded())
            return ("snd_mixer_selem_set_playback_volume_all", snd_mixer_selem_set_playback_volume_all(element.element, value))
        }
        try ALSADevice.call(result.0, mixerName, result.1)
    }

    /// The mixer (control device) of a PCM name.
    static func mixerName(for device: String) -> String {
        if let card = device.split(separator: ":", maxSplits: 1).last?.split(separator: ",").first(where: { $0.hasPrefix("CARD=") }) {
            return "hw:" + card
        }
        for prefix in ["plughw:", "hw:"] where device.hasPrefix(prefix) {
            return "hw:" + device.dropFirst(prefix.count).prefix { $0 != "," }
        }
        return device
    }
}

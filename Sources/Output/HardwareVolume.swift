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
        /// Where the control was last moved to, before rounding to its steps.
        var intended: Double?

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
            return current(element)
        }
    }

    /// Moves the control `step` dB from where it was last moved to (or from
    /// where it is, if something else has moved it since), within `limits`
    /// and its own range, to its nearest step: so steps that do not fall on
    /// the control's own add up without drifting. `false` when it is at the
    /// end already.
    public func move(by step: Double, within limits: ClosedRange<Double>) throws(DeviceError) -> Bool {
        let range = max(limits.lowerBound, range.lowerBound)...min(limits.upperBound, range.upperBound)
        let result: (function: String, code: Int32)? = element.withLock { element in
            snd_mixer_handle_events(element.mixer)
            let now = current(element)
            let from = element.intended.flatMap { abs($0 - now) < 0.5 ? $0 : nil } ?? now
            let target = min(max(from + step, range.lowerBound), range.upperBound)
            guard abs(target - from) > 0.01 else { return nil }
            element.intended = target
            return set(element, decibels: target)
        }
        guard let result else { return false }
        try ALSADevice.call(result.function, mixerName, result.code)
        return true
    }

    private func current(_ element: borrowing Element) -> Double {
        var value = 0
        if element.hasDecibels {
            return snd_mixer_selem_get_playback_dB(element.element, SND_MIXER_SCHN_FRONT_LEFT, &value) == 0
                ? Double(value) / 100 : range.lowerBound
        }
        snd_mixer_selem_get_playback_volume(element.element, SND_MIXER_SCHN_FRONT_LEFT, &value)
        let fraction = Double(value - element.raw.lowerBound) / Double(max(1, element.raw.count - 1))
        return fraction > 0 ? max(range.lowerBound, 20 * log10(fraction)) : range.lowerBound
    }

    /// Sets every channel to the control's step nearest `decibels`; the call made and what it returned.
    private func set(_ element: borrowing Element, decibels: Double) -> (function: String, code: Int32) {
        guard element.hasDecibels else {
            let fraction = pow(10, decibels / 20)
            let value = element.raw.lowerBound + Int((fraction * Double(element.raw.count - 1)).rounded())
            return ("snd_mixer_selem_set_playback_volume_all", snd_mixer_selem_set_playback_volume_all(element.element, value))
        }
        let wanted = Int((decibels * 100).rounded())
        // The raw values just below and just above, and the one whose dB is nearer.
        let candidates = [-1, 1].compactMap { direction -> (value: Int, distance: Int)? in
            var value = 0
            var reached = 0
            guard snd_mixer_selem_ask_playback_dB_vol(element.element, wanted, Int32(direction), &value) == 0,
                snd_mixer_selem_ask_playback_vol_dB(element.element, value, &reached) == 0
            else { return nil }
            return (value, abs(reached - wanted))
        }
        guard let nearest = candidates.min(by: { $0.distance < $1.distance }) else {
            return ("snd_mixer_selem_set_playback_dB_all", snd_mixer_selem_set_playback_dB_all(element.element, wanted, -1))
        }
        return ("snd_mixer_selem_set_playback_volume_all", snd_mixer_selem_set_playback_volume_all(element.element, nearest.value))
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

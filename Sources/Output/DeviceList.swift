import CALSA
import Glibc

/// The playback devices ALSA knows of.
public enum DeviceList {
    /// A PCM name `play -D` takes, with its description.
    public struct PCM: Equatable, Sendable {
        public var name: String
        public var description: String
    }

    /// A sound card.
    public struct Card: Equatable, Sendable {
        public var index: Int
        public var id: String
        public var name: String
    }

    /// Every PCM that can play (`snd_device_name_hint`).
    public static func pcms() -> [PCM] {
        var hints: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
        guard snd_device_name_hint(-1, "pcm", &hints) == 0, let hints else { return [] }
        defer { snd_device_name_free_hint(hints) }
        var found: [PCM] = []
        var index = 0
        while let hint = hints[index] {
            index += 1
            let direction = text(snd_device_name_get_hint(hint, "IOID"))
            guard direction == nil || direction == "Output", let name = text(snd_device_name_get_hint(hint, "NAME"))
            else { continue }
            let description = text(snd_device_name_get_hint(hint, "DESC")) ?? ""
            found.append(PCM(name: name, description: description.split(separator: "\n").joined(separator: ", ")))
        }
        return found
    }

    /// Every sound card (`snd_card_next`), with the id `CARD=` takes
    /// (`snd_ctl_card_info_get_id`) and its long name.
    public static func cards() -> [Card] {
        var cards: [Card] = []
        var number: Int32 = -1
        while snd_card_next(&number) == 0, number >= 0 {
            var control: OpaquePointer?
            var info: OpaquePointer?
            guard snd_ctl_open(&control, "hw:\(number)", 0) == 0, let control else { continue }
            defer { snd_ctl_close(control) }
            guard snd_ctl_card_info_malloc(&info) == 0, let info else { continue }
            defer { snd_ctl_card_info_free(info) }
            guard snd_ctl_card_info(control, info) == 0 else { continue }
            cards.append(
                Card(
                    index: Int(number), id: String(cString: snd_ctl_card_info_get_id(info)),
                    name: String(cString: snd_ctl_card_info_get_longname(info))))
        }
        return cards
    }

    /// A C string ALSA allocated, as Swift text; the C string is freed.
    private static func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

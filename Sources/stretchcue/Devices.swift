import ArgumentParser
import Configuration
import Output
import SystemCalls

extension Stretchcue {
    /// `stretchcue devices`: lists what `play -D` can play on.
    struct Devices: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List playback devices and sound cards; * marks the one play would use.")

        @Option(name: [.customShort("D"), .long], help: "The device play would be given.", completion: Completions.device)
        var device = "default"

        @Flag(
            help:
                "Print the devices and cards as JSON: {device, kind, listed, devices: [{name, description, kind}], cards: [{index, id, name, device}]}."
        )
        var json = false

        func run() {
            let logger = Logging.make(verbose: false)
            ALSAMessages.route(to: logger)
            let pcms = DeviceList.pcms()
            let cards = DeviceList.cards()
            if json {
                TextOutput.standardOutput.line(Self.json(device: device, pcms: pcms, cards: cards).text)
                return
            }
            var lines = ["Playback devices (play -D NAME):"]
            for pcm in pcms {
                lines.append("\(pcm.name == device ? "*" : " ") \(pcm.name)\(Self.kindNote(pcm.name))")
                if !pcm.description.isEmpty { lines.append("      \(pcm.description)") }
            }
            let snapcast = device.hasPrefix(SnapcastTarget.prefix)
            if !snapcast, !pcms.contains(where: { $0.name == device }) {
                lines.append("* \(device)\(Self.kindNote(device))  (not listed by ALSA; play will try it as given)")
            }
            lines.append("Snapcast servers, every room in sync (play -D ...; see docs/snapcast.md):")
            if snapcast { lines.append("* \(device)") }
            lines.append("  snapcast:pipe:PATH      the FIFO of snapserver's pipe source")
            lines.append("  snapcast:tcp:HOST:PORT  snapserver's tcp source (mode=server)")
            lines.append("  (earcons answer on this machine's `default` then, or --earcon-device NAME)")
            lines.append("Sound cards:")
            if cards.isEmpty { lines.append("  none found (use -D pulse, or stretchcue render -o FILE)") }
            for card in cards { lines.append("  \(card.index): \(card.id) - \(card.name)  (-D plughw:CARD=\(card.id))") }
            TextOutput.standardOutput.write(lines.joined(separator: "\n") + "\n")
        }

        /// What the PCM is, in brackets after its name, where ALSA's configuration says.
        static func kindNote(_ name: String) -> String {
            let kind = PCMKind.of(name)
            return kind == .unknown ? "" : "  [\(kind.label)]"
        }

        /// The listing for scripts: the device play would use and whether
        /// ALSA lists it, the PCMs, and the cards with the name to play on each.
        static func json(device: String, pcms: [DeviceList.PCM], cards: [DeviceList.Card]) -> JSON {
            .object([
                ("device", .string(device)), ("kind", .string(PCMKind.of(device).rawValue)),
                ("listed", .bool(pcms.contains { $0.name == device })),
                (
                    "devices",
                    .array(
                        pcms.map {
                            .object([
                                ("name", .string($0.name)), ("description", .string($0.description)),
                                ("kind", .string(PCMKind.of($0.name).rawValue)),
                            ])
                        })
                ),
                (
                    "cards",
                    .array(
                        cards.map {
                            .object([
                                ("index", .number(Double($0.index))), ("id", .string($0.id)), ("name", .string($0.name)),
                                ("device", .string("plughw:CARD=\($0.id)")),
                            ])
                        })
                ),
            ])
        }
    }
}

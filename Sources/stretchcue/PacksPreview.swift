import ArgumentParser
import Audio
import Packs
import Routines
import SystemCalls
import Timing

extension Stretchcue.Packs {
    /// `stretchcue packs preview`: every sound of a pack heard once, as a session plays it.
    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Play every sound of a pack once, at the level it has in a session, each named first.",
            discussion: """
                Plays the pack's chimes and bells, its background (the first 8 s), its key sounds and its \
                prompts, every variant of each, in that order: each matched in loudness and with its gain_db, \
                as a session plays it. Before each the voice names it ("The chime that starts a hold"); with \
                --plain the name is only printed. Name KEYs to hear only those.
                """)

        @Argument(help: "The pack: a name (see `stretchcue packs list`) or a folder.", completion: Completions.pack)
        var name: String

        @Argument(help: "Only these keys (chime.start, earcon.pause, pose.cobra...).")
        var keys: [String] = []

        @Option(name: [.customShort("D"), .long], help: "The ALSA device to play on (default: default).", completion: Completions.device)
        var device = "default"

        @Flag(help: "Print each sound's name instead of saying it.")
        var plain = false

        @Flag(name: .shortAndLong, help: "Log what the device does.")
        var verbose = false

        /// How much of a background is played.
        static let ambientSeconds = 8.0

        func run() throws {
            let sounds = try SoundsFolder.locate()
            let chain = try reportingFailures { try PackChain([name], library: SoundsFolder.library(sounds)) }
            let pack = chain.packs[0]
            let missing = keys.filter { pack.sounds[$0] == nil }
            guard missing.isEmpty else {
                throw Failure(
                    "stretchcue: \(pack.manifest): no sound '\(missing[0].escapingControlCharacters)' in this pack; expected one of its keys",
                    .invalidInput)
            }
            Interruption.catchSignals()
            let player = try ClipPlayer(device: device, logger: Logging.make(verbose: verbose))
            // Every file of the chain is checked here, before the first sound.
            let bank = try reportingFailures {
                try SoundBank(sampleRate: player.rate, voiceFolder: sounds + "/voice", packs: chain)
            }
            for key in Self.order(pack.sounds.keys.filter { keys.isEmpty || keys.contains($0) }) {
                guard Interruption.caught == nil, let entry = pack.sounds[key] else { break }
                let count = key.hasPrefix("earcon.") || key == Layer.ambient.rawValue ? 1 : entry.variants.count
                for variant in 0..<count {
                    let file = Files.lastPart(entry.variants[variant].path)
                    let which = count > 1 ? " (\(variant + 1) of \(count))" : ""
                    TextOutput.standardOutput.line("\(key)\(which): \(file)".escapingControlCharacters)
                    let sound = try reportingFailures { try Self.sound(key, variant: variant, bank: bank) }
                    let name = plain ? Sound.silence : bank.speech(Self.spokenName(key))
                    try player.play([name, ClipPlayer.silence(name.frames > 0 ? 0.4 : 0, rate: bank.sampleRate), sound,
                                     ClipPlayer.silence(1, rate: bank.sampleRate)])
                }
            }
            try player.drain()
            if let signal = Interruption.caught { throw Failure.silent(Failure.code(for: signal)) }
        }

        /// Chimes and bells in the order a session plays them, the background, the key sounds, then the prompts.
        static func order(_ keys: [String]) -> [String] {
            let kinds = CueKind.allCases.map(\.rawValue)
            let earcons = Earcon.allCases.map(\.key)
            let first = kinds + [Layer.ambient.rawValue] + earcons
            return first.filter(keys.contains) + keys.filter { !first.contains($0) }.sorted()
        }

        /// The sound `key` plays in a session: variant `variant` of a chime or a prompt, a key's earcon, or the start of the background.
        static func sound(_ key: String, variant: Int, bank: SoundBank) throws -> Sound {
            if let kind = CueKind(rawValue: key) { return try bank.sound(for: kind, variant: variant) }
            if let earcon = Earcon.allCases.first(where: { $0.key == key }) { return try bank.earcon(earcon) }
            if key == Layer.ambient.rawValue, let loop = bank.ambientLoop(builtIn: false) {
                let frames = Int64(ambientSeconds * Double(bank.sampleRate))
                var sound = try bank.ambientSound(loop, part: 0..<frames)
                let fade = bank.sampleRate
                sound.fade(in: fade, out: fade)
                return sound
            }
            return try bank.prompt(.voice(key), variant: variant)
        }

        /// The built-in voice's words for a sound (`sound.chime.start`, or
        /// `sound.earcon` and `key.pause`); none for a prompt, which says itself.
        static func spokenName(_ key: String) -> [PromptRef] {
            if key.hasPrefix("earcon.") { return [.voice("sound.earcon"), .voice("key." + key.dropFirst("earcon.".count))] }
            if CueKind(rawValue: key) != nil || key == Layer.ambient.rawValue { return [.voice("sound." + key)] }
            return []
        }
    }
}

import ArgumentParser
import Audio
import Controls
import Glibc
import PackTools
import Packs
import Routines
import SystemCalls

extension Stretchcue.Packs {
    /// `stretchcue packs record`: a voice pack recorded by ear, eyes closed.
    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record your own voice pack, prompt by prompt, eyes closed.",
            discussion: """
                For each prompt the text is said in the current voice (and printed), a short tone follows, and \
                your take is recorded until you have been quiet for a second. It is trimmed, levelled to -20 LUFS \
                and played back; then press space to keep it, r to record it again, n to skip it, q to stop. \
                Each kept take is written whole, and pack.yaml after it, so a pack stopped at any point is \
                complete for what it holds. Run it again to go on: prompts already recorded are skipped unless \
                named. The prompts are the built-in voice's, those a routine needs (--routine), or a list of your \
                own (--prompts, "ID | words" lines).
                """)

        @Argument(help: ArgumentHelp("The pack's folder: new, or one this command made.", valueName: "folder"))
        var folder: String

        @Argument(help: "Only these prompt ids (recorded again if they have a take).")
        var ids: [String] = []

        @Option(help: ArgumentHelp("A routine (name or file): record the prompts it needs.", valueName: "routine"), completion: Completions.routine)
        var routine: String?

        @Option(help: ArgumentHelp("A list of prompts to record instead of the built-in voice's.", valueName: "file"))
        var prompts: String?

        @Option(help: ArgumentHelp("The pack whose voice says each prompt first (repeatable; default the built-in voice).", valueName: "pack"), completion: Completions.pack)
        var pack: [String] = []

        @Option(name: [.customShort("D"), .long], help: "The ALSA device to play on (default: default).", completion: Completions.device)
        var device = "default"

        @Option(help: ArgumentHelp("The ALSA device to record from (default: default).", valueName: "device"), completion: Completions.device)
        var capture = "default"

        @Option(help: "The pack's name.")
        var name = "My voice"

        @Option(help: "Who is speaking.")
        var author: String?

        @Option(help: "The pack's language (BCP-47).")
        var language = "en"

        @Option(help: "The pack's licence (an SPDX id).")
        var license = "CC-BY-4.0"

        @Flag(name: .shortAndLong, help: "Log what the devices do.")
        var verbose = false

        func run() throws {
            let sounds = try SoundsFolder.locate()
            let list = try reportingFailures { try promptList(sounds: sounds) }
            let unknown = ids.filter { id in !list.prompts.contains { $0.id == id } }
            guard unknown.isEmpty else {
                throw Failure("stretchcue: no prompt '\(unknown[0].escapingControlCharacters)' in \(list.file); expected one of the ids listed there", .invalidInput)
            }
            let voice = try reportingFailures {
                try SoundBank(
                    sampleRate: 48_000, voiceFolder: sounds + "/voice", packs: PackChain(pack, library: SoundsFolder.library(sounds)))
            }
            var writer = try VoicePackWriter(
                folder: folder, list: list, maker: .record, name: name, author: author, license: license, language: language)
            let player = try ClipPlayer(device: device, logger: Logging.make(verbose: verbose))
            let voiceAtRate = try reportingFailures {
                player.rate == voice.sampleRate
                    ? voice : try SoundBank(sampleRate: player.rate, voiceFolder: voice.voiceFolder, packs: voice.packs)
            }
            let work = try Speak.scratchFolder()
            defer { Speak.remove(work) }
            Interruption.catchSignals()
            _ = Terminal.enterRawMode()
            defer { Terminal.restore() }
            let takes = ByEar(player: player, recorder: TakeRecorder(capture: capture), voice: voiceAtRate, takeFile: work + "/take.wav")
            let todo = list.prompts.filter { ids.isEmpty ? !Files.exists(writer.path(of: $0.id)) : ids.contains($0.id) }
            if todo.isEmpty { TextOutput.standardOutput.line("every prompt has a take; name ids to record them again") }
            var kept = 0
            prompts: for (index, prompt) in todo.enumerated() {
                TextOutput.standardOutput.line("[\(index + 1)/\(todo.count)] \(prompt.id): \(prompt.words.escapingControlCharacters)")
                switch try reportingFailures({ try takes.take(of: prompt) }) {
                case .keep(let take):
                    try writer.write(take, for: prompt.id)
                    try writer.finish()
                    kept += 1
                    TextOutput.standardOutput.line("  kept")
                case .skip: continue
                case .stop: break prompts
                }
            }
            TextOutput.standardOutput.line("\(kept) take\(kept == 1 ? "" : "s") kept in \(folder)")
            if let signal = Interruption.caught { throw Failure.silent(Failure.code(for: signal)) }
        }

        /// The prompts to record: a list of the user's, the routine's, or the built-in voice's.
        private func promptList(sounds: String) throws -> PromptList {
            if let prompts { return try PromptList(file: prompts) }
            let builtIn = try PromptList(file: sounds + "/voice/prompts.txt")
            guard let routine else { return builtIn }
            let needed = Set(Check.keys(of: try Session.routine(named: routine)))
            return PromptList(file: builtIn.file, prompts: builtIn.prompts.filter { needed.contains($0.id) })
        }

        /// Recording one prompt by ear: its words said in the current voice,
        /// the start tone, the take recorded, levelled and played back, and
        /// the speaker's answer, until a take is kept or the prompt skipped.
        struct ByEar {
            let player: ClipPlayer
            let recorder: TakeRecorder
            /// The current voice, at the player's rate.
            let voice: SoundBank
            /// Where a take is written to be played back.
            let takeFile: String

            enum Outcome {
                case keep(Sound)
                case skip
                case stop
            }

            func take(of prompt: PromptList.Prompt) throws -> Outcome {
                let rate = player.rate
                while true {
                    let words = (try? voice.prompt(.voice(prompt.id))) ?? .silence
                    try player.play([words, ClipPlayer.silence(0.4, rate: rate), TakeRecorder.startTone(rate: rate)])
                    try player.drain()
                    var take: Sound?
                    switch try recorder.record() {
                    case .stopped: return .stop
                    case .silent: take = nil
                    case .spoken(let samples, let captureRate): take = try VoiceTake.shape(mono: samples, rate: captureRate)
                    }
                    if let take {
                        try VoicePackWriter.write(take, to: takeFile)
                        let seconds = Double(take.frames) / Double(VoiceTake.rate)
                        TextOutput.standardOutput.line("  \(seconds.fixed(2)) s. space: keep, r: again, n: skip, q: stop")
                        try player.play([try SoundFile.read(takeFile, rate: rate)])
                        try player.drain()
                    } else {
                        TextOutput.standardOutput.line("  heard nothing. r: try again, n: skip, q: stop")
                    }
                    switch Self.key() {
                    case " ", "\n", "\r": if let take { return .keep(take) }
                    case "n": return .skip
                    case "q": return .stop
                    default: break
                    }
                }
            }

            /// One key from standard input; `q` when it has ended or a signal came.
            static func key() -> Character {
                var byte: UInt8 = 0
                var input = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)]
                while Interruption.caught == nil {
                    guard Poll.wait(&input, milliseconds: 100) != 0 else { continue }
                    // A read a signal interrupts is made again.
                    guard case .success(1) = withUnsafeMutableBytes(of: &byte, { FileDescriptor.read(STDIN_FILENO, into: $0) }) else { break }
                    return Character(Unicode.Scalar(byte))
                }
                return "q"
            }
        }
    }
}

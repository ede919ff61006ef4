import ArgumentParser
import Audio
import Controls
import Glibc
import Packs
import Routines
import SystemCalls

extension Stretchcue.Packs {
    /// `stretchcue packs speak`: a voice pack made offline from text.
    struct Speak: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a voice pack from a list of prompts with a speech engine on this machine.",
            discussion: """
                PROMPTS lists one prompt per line as "ID | words" (see Sounds/voice/prompts.txt). Each is spoken \
                by the engine, made mono at 24 kHz, trimmed to 60 ms of air at each end and levelled to -20 LUFS \
                (EBU R128, never beyond -1 dBFS), and written to FOLDER/ID.wav; pack.yaml (with each prompt's words) \
                and loudness.yaml are written last. FOLDER is new, a pack this command made before (give IDs to \
                remake only those), or a folder of nothing but the list's prompts: the built-in voice is made with \
                `stretchcue packs speak Sounds/voice/prompts.txt -o Sounds/voice`.
                """)

        @Argument(help: ArgumentHelp("The list of prompts.", valueName: "prompts"))
        var prompts: String

        @Option(name: .shortAndLong, help: ArgumentHelp("The pack's folder.", valueName: "folder"))
        var output: String

        @Argument(help: "Only these prompt ids (the rest of the pack is kept).")
        var ids: [String] = []

        @Option(help: "The speech engine: festival (with its HTS voice, the built-in voice), flite or espeak-ng.")
        var engine: SpeechEngine = .festival

        @Option(help: ArgumentHelp("The engine's voice (festival: cmu_us_slt_arctic_hts; espeak-ng: en-us, de, ...).", valueName: "name"))
        var voice: String?

        @Option(help: "The pack's name.")
        var name = "Spoken voice"

        @Option(help: "The pack's language (BCP-47); by default the voice's (espeak-ng's `de` speaks de).")
        var language: String?

        @Option(help: "The pack's licence (an SPDX id).")
        var license = "CC0-1.0"

        func validate() throws {
            if let voice, voice.isEmpty || !voice.allSatisfy({ $0.isLetter || $0.isNumber || "_-+.".contains($0) }) {
                throw ValidationError("--voice \(voice.escapingControlCharacters) is not a voice name; expected letters, digits, '_', '-', '+' or '.'")
            }
            guard language != nil || engine.language(of: voice) != nil else {
                throw ValidationError("--voice \(voice ?? "") does not say its language; expected --language too (BCP-47: en, de, pt-BR)")
            }
        }

        func run() throws {
            let list = try reportingFailures { try PromptList(file: prompts) }
            let unknown = ids.filter { id in !list.prompts.contains { $0.id == id } }
            guard unknown.isEmpty else {
                throw Failure("stretchcue: \(prompts): no prompt '\(unknown[0].escapingControlCharacters)'; expected one of the ids listed there", .invalidInput)
            }
            try engine.checkInstalled()
            let speaker = [engine.rawValue, voice ?? engine.defaultVoice].compactMap { $0 }.joined(separator: " ")
            var pack = try VoicePackWriter(
                folder: output, list: list, maker: .speak, name: name, author: speaker, license: license,
                language: language ?? engine.language(of: voice))
            let work = try Self.scratchFolder()
            defer { Self.remove(work) }
            for prompt in list.prompts where ids.isEmpty || ids.contains(prompt.id) {
                let raw = work + "/raw.wav"
                try engine.speak(prompt.words, voice: voice, into: raw, work: work)
                let spoken = try reportingFailures { try SoundFile.read(raw, rate: VoiceTake.rate) }
                guard let take = try reportingFailures({ try VoiceTake.shape(spoken, rate: VoiceTake.rate) }) else {
                    throw Failure("stretchcue: \(engine.rawValue) said nothing for '\(prompt.id)'; expected speech", .outputFailed)
                }
                try pack.write(take, for: prompt.id)
                let seconds = Double(take.frames) / Double(VoiceTake.rate)
                TextOutput.standardOutput.line("\(prompt.id): \(seconds.fixed(2)) s")
            }
            try pack.finish()
            TextOutput.standardOutput.line("wrote \(output)/pack.yaml")
        }

        /// A private folder for the engine's files.
        static func scratchFolder() throws(Failure) -> String {
            var template = Array("/tmp/stretchcue-speak-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else {
                throw Failure("stretchcue: cannot make a folder in /tmp: \(String(cString: strerror(errno)))", .outputFailed)
            }
            return String(cString: made)
        }

        static func remove(_ folder: String) {
            for name in (try? Files.names(in: folder)) ?? [] { unlink(folder + "/" + name) }
            rmdir(folder)
        }
    }
}

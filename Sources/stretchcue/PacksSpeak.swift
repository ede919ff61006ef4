import ArgumentParser
import Audio
import Glibc
import PackTools
import Packs
import Routines
import SystemCalls
import Timing

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
                `stretchcue packs speak Sounds/voice/prompts.txt -o Sounds/voice`. Prints each take's length, and \
                on standard error how far it is: "n/N ID, M:SS left" (one line, redrawn, at a terminal).
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
            let chosen = list.prompts.filter { ids.isEmpty || ids.contains($0.id) }
            var progress = StepProgress(total: chosen.count)
            for prompt in chosen {
                let raw = work + "/raw.wav"
                try engine.speak(prompt.words, voice: voice, into: raw, work: work)
                let spoken = try reportingFailures { try SoundFile.read(raw, rate: VoiceTake.rate) }
                guard let take = try reportingFailures({ try VoiceTake.shape(spoken, rate: VoiceTake.rate) }) else {
                    throw Failure("stretchcue: \(engine.rawValue) said nothing for '\(prompt.id)'; expected speech", .outputFailed)
                }
                try pack.write(take, for: prompt.id)
                let seconds = Double(take.frames) / Double(VoiceTake.rate)
                progress.clear()
                TextOutput.standardOutput.line("\(prompt.id): \(seconds.fixed(2)) s")
                progress.finished(prompt.id.escapingControlCharacters)
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
            for name in (try? Files.names(in: folder)) ?? [] { Files.remove(folder + "/" + name) }
            rmdir(folder)
        }
    }
}

/// How far a run of steps is, on standard error: `n/N ID, M:SS left`, the
/// time left guessed from the steps done so far. On a terminal one line,
/// redrawn at each step; elsewhere (a log) a line per step.
struct StepProgress {
    let total: Int
    let redrawn: Bool
    private let start = ContinuousClock.now
    private var done = 0

    init(total: Int, redrawn: Bool = Files.isTerminal(STDERR_FILENO)) {
        self.total = total
        self.redrawn = redrawn
    }

    /// Notes the step `id` done, and shows how far the run is.
    mutating func finished(_ id: String) {
        done += 1
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        let elapsed = Double(seconds) + Double(attoseconds) / 1e18
        let left = Int((elapsed / Double(done) * Double(total - done)).rounded(.up))
        let text = "\(done)/\(total) \(id), \(Timeline.clock(seconds: left)) left"
        if redrawn {
            TextOutput.standardError.write("\r\u{1B}[K" + text + (done == total ? "\n" : ""))
        } else {
            TextOutput.standardError.line(text)
        }
    }

    /// Takes the redrawn line away, so another line can be written on the terminal.
    func clear() {
        if redrawn && done > 0 && done < total { TextOutput.standardError.write("\r\u{1B}[K") }
    }
}

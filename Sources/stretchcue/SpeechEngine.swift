import ArgumentParser
import Audio
import Output
import SystemCalls

/// A text-to-speech program on the machine, run to speak one prompt into a
/// WAV file (`packs speak`).
enum SpeechEngine: String, CaseIterable, ExpressibleByArgument {
    /// festival with an HTS voice, a tenth slower than its own rate: the built-in voice.
    case festival
    case flite
    case espeakNG = "espeak-ng"

    /// The program run, and the Debian packages that bring it.
    var program: String {
        switch self {
        case .festival: "text2wave"
        case .flite: "flite"
        case .espeakNG: "espeak-ng"
        }
    }

    var packages: String {
        switch self {
        case .festival: "festival festvox-us-slt-hts"
        case .flite: "flite"
        case .espeakNG: "espeak-ng"
        }
    }

    /// The voice used when none is asked for.
    var defaultVoice: String? { self == .festival ? "cmu_us_slt_arctic_hts" : nil }

    /// The language (BCP-47) `voice` speaks, where its name says it:
    /// festival's and flite's voices here are English; espeak-ng's are
    /// named by language (`de`, `en-gb`, `pt-br+f3`, mbrola's `mb-de1`).
    /// `nil` when the name does not tell.
    func language(of voice: String?) -> String? {
        guard self == .espeakNG else { return "en" }
        guard let voice else { return "en" }
        var name = voice.split(separator: "+").first.map(String.init) ?? voice
        if name.hasPrefix("mb-") { name = String(name.dropFirst(3).prefix { $0.isLetter }) }
        let parts = name.lowercased().split(separator: "-")
        guard let language = parts.first, (2...3).contains(language.count), language.allSatisfy(\.isLetter) else { return nil }
        guard parts.count > 1, parts[1].count == 2, parts[1].allSatisfy(\.isLetter) else { return String(language) }
        return "\(language)-\(parts[1].uppercased())"
    }

    /// Fails with the packages to install when the program is not on `PATH`.
    func checkInstalled() throws(Failure) {
        let path = Spawn.environment.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) } ?? "/usr/bin:/bin"
        guard path.split(separator: ":").contains(where: { Files.exists("\($0)/\(program)") }) else {
            throw Failure(
                "stretchcue: \(rawValue) is not installed (no \(program) on PATH); expected it installed (apt-get install \(packages)) or another --engine",
                .outputFailed)
        }
    }

    /// Speaks `words` into the WAV file `output`, with `voice` (the
    /// engine's own name for it); `work` is a folder for its scratch files.
    func speak(_ words: String, voice: String?, into output: String, work: String) throws(Failure) {
        let text = work + "/text"
        try save(words + "\n", to: text)
        let voice = voice ?? defaultVoice
        var arguments: [String]
        switch self {
        case .festival:
            if Self.isSingleWord(words) { return try speakWordAlone(words, voice: voice, into: output, work: work) }
            arguments = ["text2wave"] + Self.festivalSetup(voice).flatMap { ["-eval", $0] } + [text, "-o", output]
        case .flite:
            arguments = ["flite"] + (voice.map { ["-voice", $0] } ?? []) + ["-f", text, "-o", output]
        case .espeakNG:
            arguments = ["espeak-ng"] + (voice.map { ["-v", $0] } ?? []) + ["-s", "150", "-f", text, "-w", output]
        }
        try run(arguments, work: work)
    }

    /// A word said alone comes out badly ("six" as "thanks"): festival says
    /// it at the end of a carrier sentence, and it is cut out by festival's
    /// own word timings.
    private func speakWordAlone(_ words: String, voice: String?, into output: String, work: String) throws(Failure) {
        let word = words.lowercased().filter(\.isLetter)
        let sentence = work + "/sentence.wav"
        let script = Self.festivalSetup(voice) + [
            "(set! utt (utt.synth (Utterance Text \"And the last word is \(word).\")))",
            "(utt.save.wave utt \"\(sentence)\" 'riff)",
            "(mapcar (lambda (w) (if (string-equal (downcase (item.name w)) \"\(word)\") (format t \"%f %f\\n\" (item.feat w \"word_start\") (item.feat w \"word_end\")))) (utt.relation.items utt 'Word))",
        ]
        try save(script.joined(separator: "\n") + "\n", to: work + "/word.scm")
        try run(["festival", "-b", work + "/word.scm"], work: work, output: work + "/bounds")
        let printed = (try? Files.read(work + "/bounds", limit: 4096)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let bounds = printed.split(separator: "\n").last.map { $0.split(separator: " ").compactMap { Double($0) } } ?? []
        guard bounds.count == 2, bounds[1] > bounds[0] else {
            throw Failure("stretchcue: festival did not place the word \"\(word)\" in its sentence; expected its timings", .outputFailed)
        }
        do {
            let rate = try SoundFile.info(sentence).sampleRate
            let whole = try SoundFile.read(sentence, rate: rate)
            let frames = Int(bounds[0] * Double(rate))..<min(whole.frames, Int(bounds[1] * Double(rate)))
            let word = Sound(channels: whole.channels, samples: Array(whole.samples[frames.lowerBound * whole.channels..<frames.upperBound * whole.channels]))
            try word.write(to: output, sampleRate: rate)
        } catch {
            throw Failure("stretchcue: cannot cut the word \"\(word)\" out of festival's sentence: \(error)", .outputFailed)
        }
    }

    /// The Scheme that picks `voice` (and slows an HTS voice by a tenth, calmer to follow).
    private static func festivalSetup(_ voice: String?) -> [String] {
        guard let voice else { return [] }
        var setup = ["(voice_\(voice))"]
        if voice.hasSuffix("_hts") {
            setup.append("(set! hts_engine_params (append hts_engine_params (list (list \"-r\" 0.9))))")
        }
        return setup
    }

    /// One word, with nothing but letters and its full stop.
    static func isSingleWord(_ words: String) -> Bool {
        let letters = words.filter { !".,!?".contains($0) }
        return !letters.isEmpty && letters.allSatisfy(\.isLetter)
    }

    private func run(_ arguments: [String], work: String, output: String? = nil) throws(Failure) {
        let status = Spawn.wait(arguments, environment: Spawn.environment, output: output ?? "/dev/null")
        guard status == 0 else {
            let how = status.map { "exit status \($0)" } ?? "could not be run"
            throw Failure("stretchcue: \(arguments[0]) failed (\(how)); expected it to speak into a WAV file", .outputFailed)
        }
    }

    private func save(_ text: String, to path: String) throws(Failure) {
        do {
            try Files.replace(path, with: Array(text.utf8))
        } catch {
            throw Failure("stretchcue: cannot write \(path): \(error)", .outputFailed)
        }
    }
}

import Audio
import Configuration
import Packs
import Playback
import Glibc
import Routines
import SystemCalls
import Timing

/// A routine made ready to play: checked, its sounds found, laid out on the clock.
struct Session {
    var routine: Routine
    /// The options it is laid out with: those given, with the rounds and
    /// holds of a length fitted.
    var options: SessionOptions
    var timeline: Timeline
    var bank: SoundBank
    /// Whether the session answers keys with earcons (a render does not).
    var answersKeys: Bool
    /// The rounds and holds chosen to fit a length asked for, if one was.
    var lengthFit: LengthFit?
    /// Whether the voice folder is the built-in voice (no `--voice`).
    var builtInVoice: Bool

    /// Loads the routine the flags (else the config, `settings`) name and
    /// lays it out; `earcons`: whether it answers keys (a render does not).
    init(_ flags: SessionFlags, _ settings: Settings, earcons: Bool = true) throws {
        try self.init(
            routine: flags.routine(settings), options: flags.options(settings), voice: flags.voice ?? settings.voice,
            chimes: flags.chimes ?? settings.chimes, packs: flags.packs.isEmpty ? settings.packs : flags.packs,
            length: flags.length(settings), earcons: earcons)
    }

    /// Loads `routine` (a built-in name or a file) and lays it out with
    /// `options`, with the voice and chime folders and the sound packs
    /// given (before the routine's own packs), its rounds and holds fitted
    /// to `length` seconds if given. Every pack is checked and
    /// every prompt file found and its header read here (the earcons only
    /// with `earcons`), and every coded one decoded whole, so a broken
    /// routine, pack or sound fails before anything is rendered or played.
    init(
        routine name: String, options: SessionOptions, voice: String?, chimes: String?, packs: [String] = [],
        length: Double? = nil, earcons: Bool = true
    ) throws {
        routine = try Self.routine(named: name)
        answersKeys = earcons
        builtInVoice = voice == nil
        let sounds = try SoundsFolder.locate()
        let chain = try PackChain(packs + routine.packs, library: SoundsFolder.library(sounds))
        bank = try SoundBank(
            sampleRate: options.sampleRate, voiceFolder: voice ?? sounds + "/voice", chimeFolder: chimes, packs: chain,
            earcons: earcons)
        try Self.checkTick(bank: bank, chain: chain, options: options)
        var options = options
        if let length {
            let fit = try Self.fit(routine, into: length, options: options, sounds: bank)
            (options.rounds, options.hold) = (fit.rounds, fit.hold)
            lengthFit = fit
        }
        self.options = options
        timeline = try Timeline(routine: routine, options: options, sounds: bank)
        try bank.checkDecoding(of: timeline)
    }

    /// The rounds and holds that make `routine` last `seconds`, said on
    /// standard error; a length no rounds and holds reach is one line
    /// naming the nearest session there is, and exit 2.
    private static func fit(
        _ routine: Routine, into seconds: Double, options: SessionOptions, sounds: SoundBank
    ) throws -> LengthFit {
        let asked = Timeline.clock(seconds: Int(seconds.rounded()))
        let rate = Double(options.sampleRate)
        do {
            let fit = try LengthFit.fit(seconds, routine: routine, options: options, sounds: sounds)
            let rounds = fit.rounds == 1 ? "1 round" : "\(fit.rounds) rounds"
            TextOutput.standardError.line(
                "stretchcue: \(asked) asked: \(rounds), holds of \(fit.hold.fixed(1)) s "
                    + "(\(Timeline.clock(seconds: Int((Double(fit.frames) / rate).rounded()))))")
            return fit
        } catch let nearest as LengthFit.Unreachable {
            let length = Timeline.clock(seconds: Int((Double(nearest.frames) / rate).rounded()))
            let rounds = nearest.rounds == 1 ? "one round" : "\(nearest.rounds) rounds"
            let line =
                nearest.shortest
                ? "the shortest session is \(length) (\(rounds), holds of \(nearest.hold.formatted) s); expected \(length) or more"
                : "the longest session is \(length) (\(rounds), holds of \(nearest.hold.formatted) s); expected \(length) or less"
            throw Failure("stretchcue: --length \(asked) does not fit \(routine.name): \(line)".escapingControlCharacters, .invalidInput)
        }
    }

    /// Refuses a countdown whose tick lasts longer than the time between
    /// ticks (each would run into the next), naming the pack's line.
    private static func checkTick(bank: SoundBank, chain: PackChain, options: SessionOptions) throws {
        let spacing = Int64((Pauses.tickInterval * Double(options.sampleRate)).rounded())
        let frames = bank.frames(of: .tick)
        guard options.countdown > 0, frames > spacing else { return }
        let limit = Pauses.tickInterval.formatted
        let what = "lasts \((Double(frames) / Double(options.sampleRate)).fixed(2)) s, longer than the \(limit) s "
            + "between the countdown's ticks; expected \(limit) s or less"
        guard let (entry, _) = chain.entry(CueKind.tick.rawValue) else {
            throw Failure("stretchcue: the tick (\(bank.origin(of: .tick))) \(what)".escapingControlCharacters, .invalidInput)
        }
        let longest = entry.variants.indices.max { bank.frames(of: .tick, variant: $0) < bank.frames(of: .tick, variant: $1) } ?? 0
        throw Failure("\(entry.location): \(Files.lastPart(entry.variants[longest].path)) \(what)".escapingControlCharacters, .invalidInput)
    }

    /// Where each sound of the session comes from, one `KEY: ORIGIN` line
    /// per sound in the order the session first plays it (for `-v`), then
    /// every earcon when the session answers keys, with the controls in
    /// pack names and paths escaped.
    var soundOrigins: [String] {
        var seen: Set<String> = []
        var lines: [String] = []
        for cue in timeline.cues {
            let key = cue.prompt.map(\.description) ?? cue.kind.rawValue
            guard seen.insert(key).inserted else { continue }
            lines.append("\(key): " + (cue.prompt.map(bank.origin(of:)) ?? bank.origin(of: cue.kind)))
        }
        if let ambient = bank.ambientOrigin { lines.append("ambient: \(ambient)") }
        for earcon in answersKeys ? Earcon.allCases : [] {
            lines.append("\(earcon.key): \(bank.origin(of: earcon))")
        }
        return lines.map(\.escapingControlCharacters)
    }

    /// One line naming the prompts the session would speak in another
    /// language than its packs' (see `PromptLanguages`): its cues', and the
    /// words of "where am I" when it answers keys; `nil` when there are none.
    var mixedLanguages: String? {
        var prompts: [String] = []
        for cue in timeline.cues {
            if case .voice(let id)? = cue.prompt?.source { prompts.append(id) }
        }
        if answersKeys { prompts += StatusSpeech.vocabulary(poses: routine.poses.map(\.id)) }
        return PromptLanguages(
            prompts: prompts, chain: bank.packs, voiceFolder: bank.voiceFolder,
            voiceName: builtInVoice ? "the built-in voice" : "the voice folder"
        ).warning?.escapingControlCharacters
    }

    /// A built-in routine by name, or a routine file by path.
    static func routine(named name: String) throws -> Routine {
        if let builtIn = BuiltInRoutines.named(name) { return builtIn }
        guard name.contains("/") || name.contains(".") || Files.exists(name) else {
            let names = BuiltInRoutines.all.keys.sorted().joined(separator: ", ")
            throw Failure(
                "\(name): no such routine; expected a built-in name (\(names)) or a routine file", .invalidInput)
        }
        return try RoutineLoader.load(path: name)
    }
}

/// Finds the `Sounds` folder that ships with Stretchcue.
enum SoundsFolder {
    /// Where packs are found by name: the user's and the system's folders,
    /// then the `packs` folder of `sounds`.
    static func library(_ sounds: String) -> PackLibrary {
        PackLibrary(environment: Settings.environment, builtIn: sounds + "/packs")
    }

    /// `$STRETCHCUE_SOUNDS`, else a `Sounds` folder beside the executable or
    /// above it (a build tree), else the installed share folders.
    static func locate() throws -> String {
        if let override = getenv("STRETCHCUE_SOUNDS") { return String(cString: override) }
        var candidates: [String] = []
        var folder = executableFolder()
        while folder.count > 1 {
            candidates.append(folder + "/Sounds")
            candidates.append(folder + "/share/stretchcue/Sounds")
            folder = String(folder[..<(folder.lastIndex(of: "/") ?? folder.startIndex)])
        }
        candidates += ["/usr/local/share/stretchcue/Sounds", "/usr/share/stretchcue/Sounds"]
        guard let found = candidates.first(where: { Files.exists($0 + "/voice") }) else {
            throw Failure(
                "stretchcue: the Sounds folder was not found beside the program; set STRETCHCUE_SOUNDS or use --voice",
                .invalidInput)
        }
        return found
    }

    private static func executableFolder() -> String {
        guard let path = try? Files.linkTarget("/proc/self/exe") else { return "." }
        return String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
    }
}

import ArgumentParser
import Audio
import Configuration
import PackTools
import Packs
import Playback
import Routines
import Timing
import SystemCalls

extension Stretchcue {
    /// `stretchcue packs`: sound packs, found and checked.
    struct Packs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the sound packs found, or check one.",
            subcommands: [List.self, Check.self, Export.self, Preview.self, Speak.self, Record.self], defaultSubcommand: List.self)

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Every pack found, where, its name, language, licence and what it covers.")

            @Flag(help: "Print the packs as JSON: {packs: [{id, folder, name, license, language, sounds, prompts, inherits} or {id, folder, error}], searched}.")
            var json = false

            func run() throws {
                let library = SoundsFolder.library(try SoundsFolder.locate())
                let found = library.all().map { folder in (folder, Result { () throws(InputError) in try Pack.load(folder: folder) }) }
                if json {
                    let packs = found.map { PacksJSON.listed($0, $1) }
                    let searched = library.folders.map(JSON.string)
                    TextOutput.standardOutput.line(JSON.object([("packs", .array(packs)), ("searched", .array(searched))]).text)
                    return
                }
                var lines: [String] = []
                for (folder, loaded) in found {
                    do {
                        let pack = try loaded.get()
                        let kinds = pack.sounds.keys.filter(PackCheck.soundKeys.contains).count
                        var line = "\(Files.lastPart(folder))  \(pack.name) (\(pack.license)"
                        if let language = pack.language { line += ", \(language)" }
                        line += "): \(kinds) sound\(kinds == 1 ? "" : "s"), \(pack.sounds.count - kinds) prompt\(pack.sounds.count - kinds == 1 ? "" : "s")"
                        if !pack.inherits.isEmpty { line += ", inherits \(pack.inherits.joined(separator: ", "))" }
                        lines.append(line + "  [\(folder)]")
                    } catch {
                        lines.append("\(Files.lastPart(folder))  cannot be used: \(error)")
                    }
                }
                if lines.isEmpty { lines.append("No packs in \(library.folders.joined(separator: ", ")).") }
                TextOutput.standardOutput.write(lines.map(\.escapingControlCharacters).joined(separator: "\n") + "\n")
            }
        }

        struct Export: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write the built-in sounds as a pack: a start for your own.",
                discussion: """
                    Writes into FOLDER (which must not exist yet) every built-in chime and bell as a 48 kHz WAV \
                    file, a copy of the built-in voice, and a pack.yaml naming them all with each prompt's words. \
                    Replace the files you want to, delete the entries you do not, and check it with \
                    `stretchcue packs check FOLDER`.
                    """)

            @Argument(help: "The new pack's folder.")
            var folder: String

            @Option(help: "The pack's name.")
            var name = "Stretchcue built-in sounds"

            func run() throws {
                let sounds = try SoundsFolder.locate()
                guard !Files.exists(folder) else {
                    throw Failure("stretchcue: \(folder) exists already; expected a new folder for the pack", .outputFailed)
                }
                do {
                    try PackExport.write(to: folder, name: name, voice: sounds + "/voice")
                } catch {
                    throw Failure("stretchcue: cannot write the pack: \(error)", .outputFailed)
                }
                TextOutput.standardOutput.line("wrote \(folder)/pack.yaml")
            }
        }

        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check a pack: every problem in one run, and each sound file measured.",
                discussion: """
                    Prints each file's rate, channels, length, silence at its ends, peak, loudness (EBU R128) and \
                    the gain it will play at (matched to the built-in sound of its kind, a prompt to -20 LUFS, then \
                    the pack's and its own gain_db, never beyond -1 dBFS); then one FILE[:LINE:COLUMN] line per \
                    problem. With --routine, a pack that states its language must also speak every prompt a \
                    session of the routine may take (its cues in up to 9 rounds, and the words of "where am I") or \
                    inherit it from a pack of its language: each other pack, or the built-in voice, that would \
                    speak some in another language is a problem naming them; and the pack's sounds no session of the \
                    routine plays are listed. Exit 0 when clean, 2 when not. --write keeps the measures in the \
                    pack's loudness.yaml, so a session never has to measure it.
                    """)

            @Argument(help: "The pack: a name (see `stretchcue packs list`) or a folder.", completion: Completions.pack)
            var name: String

            @Option(help: ArgumentHelp("A routine (name or file) whose cues and prompts the pack, with what it inherits and the built-in voice, must cover.", valueName: "routine"), completion: Completions.routine)
            var routine: String?

            @Flag(help: "Write the measured loudness into the pack's loudness.yaml.")
            var write = false

            @Flag(help: "Print the check as JSON: {name, license, folder, files: [...], unknownKeys, problems, written}; the problems still go to standard error and the exit code is the same.")
            var json = false

            func run() throws {
                let sounds = try SoundsFolder.locate()
                let library = SoundsFolder.library(sounds)
                let chain = try reportingFailures { try PackChain([name], library: library) }
                let pack = chain.packs[0]
                var needed: [String] = []
                var loaded: Routine?
                if let routine {
                    loaded = try reportingFailures { try Session.routine(named: routine) }
                    needed = loaded.map(Self.keys) ?? []
                }
                let known = Set(try reportingFailures { try PromptList(file: sounds + "/voice/prompts.txt") }.prompts.map(\.id))
                var cache = LoudnessCache(folder: pack.folder)
                let check = PackCheck(
                    pack: pack, chain: chain, knownPrompts: known.union(needed), needed: needed,
                    voiceFolder: sounds + "/voice", cache: &cache)
                // What the pack holds that is never played, and the prompts
                // the session would speak in another language.
                var notes: [String] = []
                var problems = check.problems
                if let routine, let loaded {
                    let unplayed = Self.keysNeverPlayed(of: pack, by: loaded)
                    if !unplayed.isEmpty { notes.append("never played in a session of \(routine): \(unplayed.joined(separator: ", "))") }
                    let languages = PromptLanguages(prompts: Self.sessionPrompts(of: loaded), chain: chain, voiceFolder: sounds + "/voice")
                    problems += languages.problems(session: "a session of \(routine)")
                } else if !check.unknownKeys.isEmpty {
                    notes.append("not asked for by the built-in routine: \(check.unknownKeys.joined(separator: ", "))")
                }
                var written: String?
                if write {
                    do {
                        try cache.save()
                        written = cache.path
                    } catch {
                        throw Failure("stretchcue: cannot write the loudness: \(error)", .outputFailed)
                    }
                }
                if json {
                    TextOutput.standardOutput.line(PacksJSON.check(check, of: pack, problems: problems, written: written).text)
                } else {
                    TextOutput.standardOutput.write(Self.text(check, of: pack, notes: notes, written: written))
                }
                guard problems.isEmpty else {
                    TextOutput.standardError.write(problems.map { $0.escapingControlCharacters }.joined(separator: "\n") + "\n")
                    throw Failure.silent(.invalidInput)
                }
            }

            /// The check for people: each file measured, then `notes` on the pack's keys.
            static func text(_ check: PackCheck, of pack: Pack, notes: [String], written: String?) -> String {
                var lines = ["\(pack.name) (\(pack.license)), \(pack.folder)"]
                for file in check.files {
                    let seconds = Double(file.info.frames) / Double(file.info.sampleRate)
                    // A silent file has no loudness to match: no gain it plays at means anything.
                    let level =
                        file.silent
                        ? "silent"
                        : "\(file.loudness.integrated.fixed(1)) LUFS, plays at \(file.gain.fixed(1, sign: true)) dB"
                            + (file.held ? " (held to peak at -1 dBFS)" : "")
                    lines.append(
                        "  \(file.key)  \(Files.lastPart(file.path)): \(file.info.sampleRate) Hz, \(file.info.channels) ch, "
                            + "\(seconds.fixed(2)) s, silence \(file.leading.fixed(2))/\(file.trailing.fixed(2)) s, "
                            + "peak \(file.loudness.peak.fixed(1)) dBFS, \(level)")
                }
                lines += notes.map { "  " + $0 }
                if let written { lines.append("wrote \(written)") }
                return lines.map(\.escapingControlCharacters).joined(separator: "\n") + "\n"
            }

            /// The cue kinds and prompt ids a routine's sessions ask for.
            static func keys(of routine: Routine) -> [String] {
                var keys = ["bell.start", "bell.end", "chime.start", "chime.end"]
                if routine.poses.contains(where: { !$0.sides.isEmpty }) { keys.append("chime.switch") }
                for id in cuePrompts(of: routine, rounds: routine.rounds) where !keys.contains(id) { keys.append(id) }
                return keys
            }

            /// The voice prompt ids the cues of a session of `routine` in `rounds` rounds speak.
            static func cuePrompts(of routine: Routine, rounds: Int) -> [String] {
                var prompts = [routine.intro, routine.outro].compactMap { $0 }
                for pose in routine.poses {
                    prompts += [pose.prompt, pose.inhalePrompt, pose.exhalePrompt, pose.releasePrompt].compactMap { $0 }
                    prompts += Side.allCases.compactMap { pose.sidePrompts[$0] }
                    if pose.sidePrompts.isEmpty { prompts += pose.sides.map { PromptRef.voice("side.\($0.rawValue)") } }
                }
                if rounds > 1 { prompts += (2...rounds).map { PromptRef.voice("round.\($0)") } }
                var ids: [String] = []
                for prompt in prompts {
                    if case .voice(let id) = prompt.source, !ids.contains(id) { ids.append(id) }
                }
                return ids
            }

            /// Every voice prompt a session of `routine` may speak: its cues'
            /// in as many rounds as a session may be asked for (`--rounds`),
            /// and the words of the spoken "where am I".
            static func sessionPrompts(of routine: Routine) -> [String] {
                cuePrompts(of: routine, rounds: RoutineLimits.rounds.upperBound) + StatusSpeech.vocabulary(poses: routine.poses.map(\.id))
            }

            /// The keys of `pack` no session of `routine` plays: prompts it never
            /// speaks, and the switch chime of a routine without sides. Every
            /// other sound may play, as the session's options have it; the
            /// words of `packs preview` and of the box's announcements are
            /// spoken outside sessions, and not counted.
            static func keysNeverPlayed(of pack: Pack, by routine: Routine) -> [String] {
                var played = Set(sessionPrompts(of: routine)).union(PackCheck.soundKeys)
                if !routine.poses.contains(where: { !$0.sides.isEmpty }) { played.remove(CueKind.chimeSwitch.rawValue) }
                let outside = ["status.ready", "status.not-playing"]
                return pack.sounds.keys.sorted().filter { key in
                    !played.contains(key) && !outside.contains(key) && !key.hasPrefix("sound.") && !key.hasPrefix("key.")
                }
            }
        }
    }
}

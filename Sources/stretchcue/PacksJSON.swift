import Audio
import Configuration
import PackTools
import Packs
import Routines
import SystemCalls

/// `packs list --json` and `packs check --json`: what the tables say, for scripts.
enum PacksJSON {
    /// A pack as `packs list` finds it: its id (the name `--pack` takes),
    /// folder, name, licence, language, how many sounds and prompts, and
    /// what it inherits; or, for one that cannot be used, why.
    static func listed(_ folder: String, _ loaded: Result<Pack, InputError>) -> JSON {
        var pairs: [(String, JSON)] = [("id", .string(Files.lastPart(folder))), ("folder", .string(folder))]
        switch loaded {
        case .success(let pack):
            let sounds = pack.sounds.keys.filter(PackCheck.soundKeys.contains).count
            pairs += [
                ("name", .string(pack.name)), ("license", .string(pack.license)),
                ("language", pack.language.map(JSON.string) ?? .null), ("sounds", .number(Double(sounds))),
                ("prompts", .number(Double(pack.sounds.count - sounds))), ("inherits", .array(pack.inherits.map(JSON.string))),
            ]
        case .failure(let error):
            pairs.append(("error", .string("\(error)")))
        }
        return .object(pairs)
    }

    /// A pack's check: the pack, each file measured (loudness and gain
    /// `null` for a silent one), the keys no routine asks for, every problem,
    /// and the loudness file written (`null` without `--write`).
    static func check(_ check: PackCheck, of pack: Pack, problems: [String], written: String?) -> JSON {
        func number(_ value: Double) -> JSON { .number(value) }
        let files = check.files.map { file -> JSON in
            .object([
                ("key", .string(file.key)), ("file", .string(file.path)),
                ("sampleRate", number(Double(file.info.sampleRate))), ("channels", number(Double(file.info.channels))),
                ("seconds", number(Double(file.info.frames) / Double(file.info.sampleRate))),
                ("silenceBefore", number(file.leading)), ("silenceAfter", number(file.trailing)),
                ("peak", number(file.loudness.peak)), ("silent", .bool(file.silent)),
                ("loudness", file.silent ? .null : number(file.loudness.integrated)),
                ("gain", file.silent ? .null : number(file.gain)), ("heldToPeak", .bool(file.held)),
                ("clippedRuns", number(Double(file.clippedRuns))),
            ])
        }
        return .object([
            ("name", .string(pack.name)), ("license", .string(pack.license)), ("folder", .string(pack.folder)),
            ("files", .array(files)), ("unknownKeys", .array(check.unknownKeys.map(JSON.string))),
            ("problems", .array(problems.map(JSON.string))), ("written", written.map(JSON.string) ?? .null),
        ])
    }
}

import ArgumentParser
import Configuration
import Output
import Playback
import Routines
import SystemCalls

/// What the shell completions (`--generate-completion-script`) offer for
/// the values that are names, not only paths: routines, packs, devices and
/// `ctl` requests. Each runs when a user presses TAB, so each is cheap and
/// never fails: what cannot be read is left out. The shell keeps those
/// that start with the word being completed.
enum Completions {
    /// A routine for `play`, `plan`, `render` and `packs`: a built-in name,
    /// or a routine file (the folders and YAML files where the word points).
    static let routine = CompletionKind.custom { _, _, prefix in builtInRoutines + routineFiles(prefix) }

    /// A pack by name (`stretchcue packs list`), or a folder where the word points.
    static let pack = CompletionKind.custom { _, _, prefix in packNames() + folders(prefix) }

    /// A device: the PCMs ALSA lists (`stretchcue devices`), a `plughw:`
    /// name for each card, and the Snapcast forms.
    static let device = CompletionKind.custom { _, _, _ in deviceNames() }

    /// A `ctl` request: the request words, and after `start` the routines
    /// the box may start (built-in, or a file in its routine folders) and its flags.
    static let request = CompletionKind.custom { words, index, _ in
        // The request's words come after `ctl`; the options' values are not requests.
        guard let ctl = words.firstIndex(of: "ctl"), index > ctl else { return requestWords }
        let before = words[(ctl + 1)..<min(index, words.count)].filter { !$0.hasPrefix("-") }
        switch before.first {
        case nil: return requestWords
        case "start":
            // After --length comes a length, which nothing completes.
            if index > 0, words[index - 1] == "--length" { return [] }
            let flags = ["--resume", "--length"]
            return before.count == 1 ? builtInRoutines + boxRoutines() + flags : flags
        default: return []
        }
    }

    static var builtInRoutines: [String] { BuiltInRoutines.all.keys.sorted() }

    /// The first word of every request of the control protocol.
    static var requestWords: [String] {
        Request.commands.compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// The routine files in the folders a box starts routines from (the
    /// config's `routines`, else its defaults), by the name `ctl start` takes.
    static func boxRoutines() -> [String] {
        let settings = (try? Settings(configFile: nil)) ?? Settings()
        return settings.routineAccess.folders.flatMap { folder in
            ((try? Files.names(in: folder)) ?? []).filter { Files.kind(of: folder + "/" + $0) == .regular }
                .map { $0.hasSuffix(".yaml") ? String($0.dropLast(5)) : $0 }
        }
    }

    /// The packs found by name, where `play --pack` finds them.
    static func packNames() -> [String] {
        guard let sounds = try? SoundsFolder.locate() else { return [] }
        return SoundsFolder.library(sounds).all().map(Files.lastPart)
    }

    static func deviceNames() -> [String] {
        DeviceList.pcms().map(\.name) + DeviceList.cards().map { "plughw:CARD=\($0.id)" }
            + ["snapcast:pipe:", "snapcast:tcp:"]
    }

    /// The folders and `.yaml` / `.yml` files in the folder `prefix` points into.
    static func routineFiles(_ prefix: String) -> [String] {
        entries(prefix).filter { $0.folder || $0.path.hasSuffix(".yaml") || $0.path.hasSuffix(".yml") }.map(\.path)
    }

    /// The folders in the folder `prefix` points into.
    static func folders(_ prefix: String) -> [String] { entries(prefix).filter(\.folder).map(\.path) }

    /// What is in the folder of `prefix` (up to its last `/`), as the
    /// shell would write it; hidden names only when asked for with a dot.
    private static func entries(_ prefix: String) -> [(path: String, folder: Bool)] {
        let slash = prefix.lastIndex(of: "/")
        let folder = slash.map { String(prefix[...$0]) } ?? ""
        let start = slash.map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
        let names = (try? Files.names(in: folder.isEmpty ? "." : folder)) ?? []
        return names.filter { !$0.hasPrefix(".") || start.hasPrefix(".") }.map { name in
            (folder + name, Files.kind(of: folder + name) == .directory)
        }
    }
}

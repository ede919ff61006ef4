import SystemCalls

/// Where packs are found by name: the user's own folder, the system's, and
/// the program's own `Sounds/packs`.
public struct PackLibrary: Sendable {
    /// The folders looked in, in order.
    public let folders: [String]

    /// `$XDG_DATA_HOME/stretchcue/packs` (default `~/.local/share/...`),
    /// then `stretchcue/packs` in each of `$XDG_DATA_DIRS` (default
    /// `/usr/local/share:/usr/share`), then `builtIn`.
    public init(environment: [String: String], builtIn: String?) {
        var folders: [String] = []
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            folders.append(data + "/stretchcue/packs")
        } else if let home = environment["HOME"], !home.isEmpty {
            folders.append(home + "/.local/share/stretchcue/packs")
        }
        let shared = environment["XDG_DATA_DIRS"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/local/share:/usr/share"
        folders += shared.split(separator: ":").filter { $0.hasPrefix("/") }.map { $0 + "/stretchcue/packs" }
        if let builtIn { folders.append(builtIn) }
        self.folders = folders
    }

    public init(folders: [String]) { self.folders = folders }

    /// The folder of a pack named `name`: at `name` if it is a path (with
    /// a `/`), relative to `base`; else the folder `name` in `base` if it
    /// holds a `pack.yaml` (so `mypack` and `.` are what they say), else a
    /// folder in the library; else the folder `name` in `base` if there is
    /// one (its missing manifest is the pack's mistake to name).
    public func folder(of name: String, relativeTo base: String = ".") -> String? {
        if name.contains("/") {
            let path = name.hasPrefix("/") ? name : base + "/" + name
            return Files.kind(of: path) == .directory ? path : nil
        }
        let here = base + "/" + name
        if Files.kind(of: here + "/pack.yaml") == .regular { return here }
        return folders.lazy.map { $0 + "/" + name }.first { Files.kind(of: $0 + "/pack.yaml") == .regular }
            ?? (Files.kind(of: here) == .directory ? here : nil)
    }

    /// Every pack found in the library's folders, by folder; the first of
    /// a name wins, as `folder(of:)` finds it.
    public func all() -> [String] {
        var seen: Set<String> = []
        var found: [String] = []
        for folder in folders {
            for name in (try? Files.names(in: folder)) ?? [] where Files.kind(of: folder + "/" + name + "/pack.yaml") == .regular {
                if seen.insert(name).inserted { found.append(folder + "/" + name) }
            }
        }
        return found
    }
}

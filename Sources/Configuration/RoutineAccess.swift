import Playback
import Routines
import SystemCalls

/// Which routines a client of the control socket may have the box play:
/// the built-in ones by name, and routine files in the folders the config
/// names (`routines:`), by name or by a path inside one of them. Anything
/// else is refused before it is opened, so that a client can never have
/// the box, which may read files it cannot, read one for it; and a file
/// that does not exist is refused in the same words as one it may not see.
public struct RoutineAccess: Sendable {
    /// The folders routine files may be started from, absolute.
    public var folders: [String]
    /// Whether a name is a built-in routine's.
    public var isBuiltIn: @Sendable (String) -> Bool

    public init(folders: [String], isBuiltIn: @escaping @Sendable (String) -> Bool) {
        self.folders = folders
        self.isBuiltIn = isBuiltIn
    }

    /// What to load for `asked`: the built-in name itself, or the routine
    /// file's real path. Throws, naming only what was asked, when it is
    /// neither a built-in routine nor a file beneath one of the folders
    /// (links followed, and their end checked).
    public func resolve(_ asked: String) throws(ControlError) -> String {
        if isBuiltIn(asked) { return asked }
        let candidates: [String]
        if asked.hasPrefix("/") {
            let parts = asked.split(separator: "/", omittingEmptySubsequences: true)
            guard !parts.contains("..") && !parts.contains("."),
                folders.contains(where: { Self.path(asked, isBeneath: $0) })
            else { throw refusal(asked) }
            candidates = [asked]
        } else if !asked.contains("/") && !asked.isEmpty && asked != "." && asked != ".." {
            candidates = folders.flatMap { ["\($0)/\(asked)", "\($0)/\(asked).yaml"] }
        } else {
            throw refusal(asked)
        }
        let realFolders = folders.compactMap { try? Files.realPath($0) }
        for candidate in candidates {
            guard let real = try? Files.realPath(candidate), Files.kind(of: real) == .regular else { continue }
            if realFolders.contains(where: { Self.path(real, isBeneath: $0) }) { return real }
        }
        throw refusal(asked)
    }

    /// Whether `path` lies beneath `folder`, as text.
    private static func path(_ path: String, isBeneath folder: String) -> Bool {
        let folder = folder.hasSuffix("/") ? folder : folder + "/"
        return path.hasPrefix(folder) && path.count > folder.count
    }

    private func refusal(_ asked: String) -> ControlError {
        let shown = String(asked.prefix(200)).escapingControlCharacters
        let places = folders.isEmpty ? "" : " or a routine file in " + folders.joined(separator: ", ")
        return ControlError("no routine '\(shown)' the box may play; expected a built-in routine\(places)")
    }
}

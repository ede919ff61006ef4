import Routines
import SystemCalls

/// The packs a session takes its sounds from, in order: each pack asked
/// for, then what it inherits (depth first), each once. The first that has
/// an entry for a key wins; the built-in sounds come after them all.
public struct PackChain: Sendable {
    public let packs: [Pack]

    /// No packs: every sound is the built-in one.
    public static let none = PackChain(packs: [])

    public init(packs: [Pack]) { self.packs = packs }

    /// Loads `names` (names in `library`, or paths relative to `base`) and
    /// what they inherit. A pack not found, an `inherits` cycle or a chain
    /// deeper than `Pack.Limits.chainDepth` is an error naming the manifest
    /// that asked for it.
    public init(_ names: [String], library: PackLibrary, base: String = ".") throws(InputError) {
        var packs: [Pack] = []
        var loaded: Set<String> = []
        func add(_ name: String, base: String, askedBy: String?, path: [String]) throws(InputError) {
            guard let folder = library.folder(of: name, relativeTo: base) else {
                let looked = name.contains("/") ? "a pack folder at \(name)" : "a pack named \(name) in \(library.folders.joined(separator: ", "))"
                throw InputError(file: askedBy ?? name, message: "pack '\(name.escapingControlCharacters)' not found; expected \(looked)")
            }
            let pack = try Pack.load(folder: folder)
            guard !path.contains(pack.folder) else {
                throw InputError(
                    file: pack.manifest, message: "inherits itself through \(path.map { Files.lastPart($0) }.joined(separator: " -> ")); expected a chain without a cycle")
            }
            guard path.count < Pack.Limits.chainDepth else {
                throw InputError(file: pack.manifest, message: "a chain of packs \(path.count + 1) deep; expected at most \(Pack.Limits.chainDepth)")
            }
            guard loaded.insert(pack.folder).inserted else { return }
            packs.append(pack)
            for parent in pack.inherits {
                try add(parent, base: pack.folder, askedBy: pack.manifest, path: path + [pack.folder])
            }
        }
        for name in names { try add(name, base: base, askedBy: nil, path: []) }
        self.packs = packs
    }

    /// The entry for `key` and the pack it is in, from the first pack that has one.
    public func entry(_ key: String) -> (entry: PackEntry, pack: Pack)? {
        for pack in packs {
            if let entry = pack.sounds[key] { return (entry, pack) }
        }
        return nil
    }
}

import Routines
import SystemCalls

/// A sound pack: a folder of sound files and a `pack.yaml` that says what
/// each is for (a cue kind, an earcon, the ambient loop, a voice prompt), who
/// made it, under which licence, and which packs it falls back to.
///
/// Loading checks everything but the sound files themselves (`PackCheck`
/// reads those): the manifest's keys and values, with one `FILE:LINE:COLUMN`
/// error each; that every path stays inside the pack (no absolute paths, no
/// `..`, no link pointing out); and the limits in `Pack.Limits`.
public struct Pack: Sendable {
    /// The pack's folder, as found (absolute), and its manifest.
    public let folder: String
    public var manifest: String { folder + "/pack.yaml" }
    public var name: String
    public var author: String?
    /// An SPDX licence id: `CC-BY-4.0`, `CC0-1.0`, `MIT`...
    public var license: String
    public var description: String?
    /// The language of a voice pack (BCP-47: `en`, `en-GB`, `de`).
    public var language: String?
    /// Packs to fall back to, by name or path, in order; the built-in sounds come last.
    public var inherits: [String]
    /// Gain on every sound of the pack, in dB.
    public var gain: Double
    /// Sounds by key: a cue kind (`chime.start`), an earcon (`earcon.pause`),
    /// `ambient`, or a voice prompt id (`pose.cobra`).
    public var sounds: [String: PackEntry]

    /// What a pack may hold.
    public enum Limits {
        public static let entries = 1000
        public static let variants = 16
        public static let fileBytes: Int64 = 50 << 20
        public static let manifestBytes = 1 << 20
        /// How many packs a chain may go through, `inherits` followed.
        public static let chainDepth = 8
        public static let gain = -30.0...12.0
        public static let weight = 1...100
    }

    /// The only manifest format there is so far.
    public static let format = 1

    /// Loads and checks the pack in `folder`.
    public static func load(folder: String) throws(InputError) -> Pack {
        let real: String
        do {
            real = try Files.realPath(folder)
        } catch {
            throw InputError(file: folder, message: "no such pack folder (\(error.reason)); expected a folder with pack.yaml")
        }
        let manifest = real + "/pack.yaml"
        guard let kind = Files.kind(of: manifest) else {
            throw InputError(file: manifest, message: "missing; expected a pack manifest in the pack's folder")
        }
        guard kind == .regular else {
            throw InputError(file: manifest, message: "\(kind.described), not a regular file; expected a pack manifest")
        }
        guard
            let root = try YAMLFile.read(manifest, limit: Limits.manifestBytes, name: "the manifest", expected: "a pack manifest")
        else {
            throw InputError(file: manifest, message: "empty; expected `format`, `name`, `license` and `sounds`")
        }
        return try ManifestReader(file: manifest, folder: real).pack(root)
    }

    /// Whether a key names a sound a pack may hold: lower-case letters,
    /// digits, `.`, `-` and `_`, starting with a letter or digit.
    public static func isKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, key.count <= 100, ("a"..."z").contains(first) || ("0"..."9").contains(first)
        else { return false }
        return key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0) }
    }
}

/// One sound of a pack: one file, or variants chosen among by weight.
public struct PackEntry: Sendable {
    public struct Variant: Equatable, Sendable {
        /// The file, inside the pack (absolute).
        public var path: String
        /// Gain on this file, in dB, on top of the pack's.
        public var gain: Double
        /// How often it is chosen, against the others' weights.
        public var weight: Int
        /// Where its file is named in the manifest.
        public var location: SourceLocation

        public init(path: String, gain: Double, weight: Int, location: SourceLocation) {
            self.path = path
            self.gain = gain
            self.weight = weight
            self.location = location
        }
    }

    public var variants: [Variant]
    /// The words, for a voice prompt: what it says.
    public var text: String?
    /// Where the entry is in the manifest.
    public var location: SourceLocation
}

/// Reads a manifest's tree into a `Pack`.
private struct ManifestReader: YAMLReading {
    let file: String
    let folder: String

    func pack(_ root: YAMLNode) throws(InputError) -> Pack {
        let fields = try mapping(
            root, what: "a pack manifest",
            keys: ["format", "name", "author", "license", "description", "language", "inherits", "gain_db", "sounds"])
        let format = try fields.required("format", in: "a pack manifest")
        guard format.integer == Pack.format else {
            throw error(at: format, "format \(format.described) is not known; expected format: 1")
        }
        let licenseNode = try fields.required("license", in: "a pack manifest")
        let license = try text(licenseNode)
        guard Self.isSPDXExpression(license) else {
            // Words that would be an id joined with `-` (`CC BY 3.0`): suggest that id.
            let words = license.split(separator: " ")
            let joined = words.joined(separator: "-")
            let guess =
                words.count > 1 && !words.contains { Self.spdxOperators.contains(String($0)) } && Self.isSPDXExpression(joined)
                ? "did you mean \(joined)? " : ""
            throw error(at: licenseNode, "license \(licenseNode.described) is not an SPDX id; \(guess)expected one like CC-BY-4.0 or CC0-1.0")
        }
        var language: String?
        if let node = fields["language"] {
            let tag = try text(node)
            let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
            guard !parts.isEmpty, parts.allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }),
                parts[0].count >= 2, parts[0].allSatisfy(\.isLetter)
            else { throw error(at: node, "language \(node.described) is not a BCP-47 tag; expected one like en, en-GB or de") }
            language = tag
        }
        var inherits: [String] = []
        if let node = fields["inherits"] {
            inherits = try list(node, what: "inherits") { item throws(InputError) in try text(item) }
        }
        var gain = 0.0
        if let node = fields["gain_db"] { gain = try number(node, in: Pack.Limits.gain, what: "gain_db") }
        let soundsNode = try fields.required("sounds", in: "a pack manifest")
        let sounds = try mapping(soundsNode, what: "sounds") { key in
            Pack.isKey(key) ? nil : "expected a cue kind (chime.start), an earcon (earcon.pause), ambient, or a prompt id (pose.cobra)"
        }
        guard sounds.pairs.count <= Pack.Limits.entries else {
            throw error(at: soundsNode, "\(sounds.pairs.count) sounds; expected at most \(Pack.Limits.entries)")
        }
        var entries: [String: PackEntry] = [:]
        for (key, value) in sounds.pairs { entries[key.text!] = try entry(value) }
        return Pack(
            folder: folder, name: try text(fields.required("name", in: "a pack manifest")),
            author: try fields["author"].map { node throws(InputError) in try text(node) }, license: license,
            description: try fields["description"].map { node throws(InputError) in try text(node) }, language: language,
            inherits: inherits, gain: gain, sounds: entries)
    }

    static let spdxOperators: Set<String> = ["AND", "OR", "WITH"]

    /// Whether `text` is an SPDX licence expression: ids (letters, digits,
    /// `.` and `-`, an optional `+` after) joined by `AND`, `OR` or `WITH`,
    /// with parentheses, at most 100 characters (`MIT`, `CC-BY-4.0`,
    /// `(MIT OR Apache-2.0)`). Words side by side (`CC BY 3.0`) are not one.
    static func isSPDXExpression(_ text: String) -> Bool {
        guard text.count <= 100 else { return false }
        let tokens = text.replacing("(", with: " ").replacing(")", with: " ").split(separator: " ").map(String.init)
        guard tokens.count % 2 == 1 else { return false }
        return tokens.enumerated().allSatisfy { index, token in
            if index % 2 == 1 { return spdxOperators.contains(token) }
            let id = token.hasSuffix("+") ? token.dropLast() : token[...]
            return !id.isEmpty && !spdxOperators.contains(String(id))
                && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
        }
    }

    /// `FILE`, `{file: FILE, gain_db: DB, text: WORDS}` or `{files: [{path, gain_db, weight}], text: WORDS}`.
    private func entry(_ node: YAMLNode) throws(InputError) -> PackEntry {
        if case .scalar = node.value {
            return PackEntry(variants: [try variant(path: node, gain: nil, weight: nil)], text: nil, location: location(node))
        }
        let fields = try mapping(node, what: "a sound", keys: ["file", "files", "gain_db", "text"])
        var variants: [PackEntry.Variant]
        switch (fields["file"], fields["files"]) {
        case (.some(let file), nil):
            variants = [try variant(path: file, gain: fields["gain_db"], weight: nil)]
        case (nil, .some(let files)):
            if let gain = fields["gain_db"] {
                throw error(at: gain, "gain_db goes with each of `files`; expected it inside each variant")
            }
            variants = try list(files, what: "files") { item throws(InputError) in
                let variant = try mapping(item, what: "a variant", keys: ["path", "gain_db", "weight"])
                return try self.variant(
                    path: variant.required("path", in: "a variant"), gain: variant["gain_db"], weight: variant["weight"])
            }
            guard (1...Pack.Limits.variants).contains(variants.count) else {
                throw error(at: files, "\(variants.count) variants; expected 1 to \(Pack.Limits.variants)")
            }
        case (.some(let file), .some):
            throw error(at: file, "a sound has both `file` and `files`; expected one of them")
        case (nil, nil):
            throw error(at: node, "a sound needs `file` or `files`")
        }
        return PackEntry(
            variants: variants, text: try fields["text"].map { node throws(InputError) in try text(node) }, location: location(node))
    }

    private func variant(path node: YAMLNode, gain: YAMLNode?, weight: YAMLNode?) throws(InputError) -> PackEntry.Variant {
        PackEntry.Variant(
            path: try inside(node), gain: try gain.map { node throws(InputError) in try number(node, in: Pack.Limits.gain, what: "gain_db") } ?? 0,
            weight: try weight.map { node throws(InputError) in try integer(node, in: Pack.Limits.weight, what: "weight") } ?? 1,
            location: location(node))
    }

    /// A file path of the manifest, which must stay inside the pack's folder.
    private func inside(_ node: YAMLNode) throws(InputError) -> String {
        let path = try text(node)
        let shown = path.escapingControlCharacters
        guard !path.hasPrefix("/") else {
            throw error(at: node, "'\(shown)' is an absolute path; expected a path inside the pack's folder")
        }
        guard !path.split(separator: "/").contains("..") else {
            throw error(at: node, "'\(shown)' leads out with `..`; expected a path inside the pack's folder")
        }
        let full = folder + "/" + path
        let real: String
        do {
            real = try Files.realPath(full)
        } catch let failure {
            throw error(at: node, "'\(shown)' not found (\(failure.reason)); expected a sound file in the pack's folder")
        }
        guard real.hasPrefix(folder + "/") else {
            throw error(at: node, "'\(shown)' is a link out of the pack (to \(real.escapingControlCharacters)); expected a file inside it")
        }
        let status: Files.Status
        do {
            status = try Files.status(real)
        } catch let failure {
            throw error(at: node, "'\(shown)' cannot be looked at (\(failure.reason)); expected a sound file")
        }
        guard status.kind == .regular else {
            throw error(at: node, "'\(shown)' is \(status.kind.described), not a regular file; expected a sound file")
        }
        guard status.size <= Pack.Limits.fileBytes else {
            throw error(at: node, "'\(shown)' is \(status.size / (1 << 20)) MB; expected at most 50 MB")
        }
        return real
    }
}

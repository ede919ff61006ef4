import Routines
import SystemCalls

/// Each sound file's measured loudness, kept beside the pack
/// (`PACK/loudness.yaml`, written by `stretchcue packs check --write`), so
/// a session on a Pi never has to decode a pack to match its levels. A
/// file changed since (another size or content hash) is measured again;
/// one copied or checked out elsewhere is not.
public struct LoudnessCache: Sendable {
    /// What was measured of one file.
    public struct Measure: Equatable, Sendable {
        /// Integrated loudness (EBU R128), LUFS, and sample peak, dBFS.
        public var loudness: Double
        public var peak: Double
        /// The file's size and the FNV-1a hash of its bytes when measured.
        public var size: Int64
        public var hash: String

        public init(loudness: Double, peak: Double, size: Int64, hash: String) {
            self.loudness = loudness
            self.peak = peak
            self.size = size
            self.hash = hash
        }
    }

    public let folder: String
    /// By path relative to the pack's folder.
    public private(set) var measures: [String: Measure]

    public var path: String { folder + "/loudness.yaml" }

    /// The cache of the pack in `folder`; empty when there is none or it
    /// cannot be read (it is only a cache).
    public init(folder: String) {
        self.folder = folder
        measures = [:]
        guard
            let root = try? YAMLFile.read(
                folder + "/loudness.yaml", limit: 1 << 20, name: "the loudness cache", expected: "a loudness cache"),
            case .mapping(let pairs) = root.value
        else { return }
        for (key, value) in pairs {
            guard let name = key.text, case .mapping(let fields) = value.value else { continue }
            let values = Dictionary(fields.compactMap { pair in pair.key.text.map { ($0, pair.value) } }) { a, _ in a }
            guard let loudness = values["loudness"]?.number, let peak = values["peak"]?.number,
                let size = values["size"]?.integer, let hash = values["hash"]?.text
            else { continue }
            measures[name] = Measure(loudness: loudness, peak: peak, size: Int64(size), hash: hash)
        }
    }

    /// The measure of the file at `path` (inside the pack), if it is still the file measured.
    public func measure(of path: String) -> Measure? {
        guard let measure = measures[relative(path)], let now = Self.stamp(path) else { return nil }
        return now == (measure.size, measure.hash) ? measure : nil
    }

    /// Notes what was measured of the file at `path`.
    public mutating func set(_ loudness: Double, peak: Double, of path: String) {
        guard let stamp = Self.stamp(path) else { return }
        measures[relative(path)] = Measure(loudness: loudness, peak: peak, size: stamp.size, hash: stamp.hash)
    }

    /// Writes the cache beside the pack, whole or not at all.
    public func save() throws(SystemError) {
        var lines = ["# Measured by `stretchcue packs check --write`: EBU R128 loudness (LUFS) and peak (dBFS)."]
        for (name, measure) in measures.sorted(by: { $0.key < $1.key }) {
            lines.append(
                "\(name.jsonQuoted): {loudness: \(measure.loudness.fixed(2)), peak: \(measure.peak.fixed(2)), "
                    + "size: \(measure.size), hash: \(measure.hash)}")
        }
        try Files.replace(path, with: Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    private func relative(_ path: String) -> String {
        path.hasPrefix(folder + "/") ? String(path.dropFirst(folder.count + 1)) : path
    }

    /// A file's size and the FNV-1a hash (64 bits, in hex) of its bytes.
    private static func stamp(_ path: String) -> (size: Int64, hash: String)? {
        guard let bytes = try? Files.read(path, limit: Int(Pack.Limits.fileBytes)) else { return nil }
        let hex = String(StableHash.fnv1a(bytes), radix: 16)
        return (Int64(bytes.count), String(repeating: "0", count: 16 - hex.count) + hex)
    }
}

import Foundation

/// Reviewed copies of text output, kept in the repository.
public enum Snapshot {
    /// Set `STRETCHCUE_UPDATE_SNAPSHOTS=1` to write snapshots instead of checking them.
    public static var updating: Bool { ProcessInfo.processInfo.environment["STRETCHCUE_UPDATE_SNAPSHOTS"] == "1" }

    public static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    public static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

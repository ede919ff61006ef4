import Foundation

/// Places in the repository and the build, for tests.
public enum Repository {
    /// The repository's root folder.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The built-in voice pack.
    public static var voiceFolder: String { root + "/Sounds/voice" }

    /// The folder the test bundle was built into, where `stretchcue` is too.
    public static let products: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return (executable as NSString).deletingLastPathComponent
    }()

    /// A new empty folder under the system's temporary folder.
    public static func temporaryFolder(_ name: String = "stretchcue-test") -> String {
        let path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

import Foundation
import Configuration
import TestSupport
import Testing

/// What a client of the socket may have the box play: built-in routines,
/// and files beneath the configured folders; nothing else is opened, and a
/// file outside is refused in the same words whether it exists or not.
@Suite struct RoutineAccessTests {
    let folder = Repository.temporaryFolder("stretchcue-access")
    var access: RoutineAccess { RoutineAccess(folders: [folder + "/routines"]) { $0 == "back-tension" } }

    init() throws {
        try FileManager.default.createDirectory(atPath: folder + "/routines", withIntermediateDirectories: true)
        try "name: Mine\n".write(toFile: folder + "/routines/mine.yaml", atomically: true, encoding: .utf8)
        try "root:*:19000:0:99999:7:::\n".write(toFile: folder + "/secret", atomically: true, encoding: .utf8)
        chmod(folder + "/secret", 0o600)
    }

    @Test func builtInRoutinesAndFilesInTheFoldersArePlayed() throws {
        let real = try #require(realpath(folder + "/routines/mine.yaml", nil))
        defer { free(real) }
        #expect(try access.resolve("back-tension") == "back-tension")
        #expect(try access.resolve("mine") == String(cString: real))
        #expect(try access.resolve("mine.yaml") == String(cString: real))
        #expect(try access.resolve(folder + "/routines/mine.yaml") == String(cString: real))
    }

    @Test(arguments: [
        "/etc/shadow", "SECRET", "ROUTINES/../secret", "ROUTINES/./mine.yaml", "../secret", "routines/mine.yaml",
        "ROUTINES/missing.yaml", "ROUTINES/link", "ROUTINES", "..", "",
    ])
    func everythingElseIsRefusedWithoutSayingWhatIsThere(asked: String) throws {
        symlink(folder + "/secret", folder + "/routines/link")
        let path = asked.replacingOccurrences(of: "ROUTINES", with: folder + "/routines")
            .replacingOccurrences(of: "SECRET", with: folder + "/secret")
        #expect {
            try access.resolve(path)
        } throws: { error in
            let text = "\(error)"
            return text.contains("no routine '\(path)' the box may play; expected a built-in routine or a routine file in ")
                && !text.contains("root:")
        }
    }
}

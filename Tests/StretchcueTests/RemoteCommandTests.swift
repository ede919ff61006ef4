import Foundation
import TestSupport
import Testing

/// `stretchcue remote` run as a person would: one line and a documented
/// exit code for each mistake, and one pairing secret however often asked.
@Suite struct RemoteCommandTests {
    @Test func aBadListenInTheConfigIsOneLineNamingItsPlace() throws {
        let folder = Repository.temporaryFolder("remote-command")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "routine: back-tension\nremote:\n  listen: \"box.local:8080\"\n".write(toFile: folder + "/c.yaml", atomically: true, encoding: .utf8)
        let result = try Program.run(["remote", "--config", folder + "/c.yaml"], environment: ["XDG_STATE_HOME": folder], timeout: 10)
        #expect(result.status == 2)
        #expect(result.error == "\(folder)/c.yaml:3:11: listen must be an IPv4 address and a port, like \"0.0.0.0:8080\"; found 'box.local:8080'\n")
    }

    @Test func anAddressInUseIsExitCodeSix() throws {
        let folder = Repository.temporaryFolder("remote-command")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let taken = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(taken) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(taken, $0, length) } }
        listen(taken, 1)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(taken, $0, &length) } }
        let port = UInt16(bigEndian: address.sin_port)
        let result = try Program.run(
            ["remote", "--listen", "127.0.0.1:\(port)", "--socket", folder + "/box.sock"], environment: ["XDG_STATE_HOME": folder],
            timeout: 10)
        #expect(result.status == 6)
        #expect(result.error == "stretchcue: cannot listen on 127.0.0.1:\(port): Address already in use\n")
    }

    @Test func pairShowsTheSameSecretEveryTimeKeptForItsOwnerAlone() throws {
        let folder = Repository.temporaryFolder("remote-command")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try Program.run(["remote", "--pair"], environment: ["XDG_STATE_HOME": folder, "PATH": "/nonexistent"], timeout: 10)
        let second = try Program.run(["remote", "--pair"], environment: ["XDG_STATE_HOME": folder], timeout: 10)
        #expect(first.status == 0 && second.status == 0)
        let secret = try #require(first.output.split(separator: "\n").first { $0.hasPrefix("Pairing secret: ") })
        #expect(second.output.contains(secret))
        #expect(first.output.contains("Open: http://127.0.0.1:8080/?code=\(secret.dropFirst(16))\n"))
        #expect(first.output.contains("(Install qrencode for a QR code of the address.)"), "without qrencode on the PATH")
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "/stretchcue/remote-pairing")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}

import Configuration
import Foundation
import Testing

/// The config's `remote:` section: read like the rest, a mistake one line naming file:line:column.
@Suite struct RemoteSettingsTests {
    private func load(_ text: String) throws -> Settings {
        let file = NSTemporaryDirectory() + "remote-config-\(UUID().uuidString).yaml"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        var settings = Settings(environment: [:])
        try settings.load(configFile: file)
        return settings
    }

    @Test func theDefaultIsThisMachineOnly() throws {
        let settings = try load("device: default\n")
        #expect(settings.remote.listen == "127.0.0.1:8080")
    }

    @Test func listenAndRateAreRead() throws {
        let settings = try load("remote: {listen: \"0.0.0.0:9090\", requests_per_second: 20}\n")
        #expect(settings.remote.address == "0.0.0.0" && settings.remote.port == 9090 && settings.remote.requestsPerSecond == 20)
        #expect(settings.lines.contains { $0.hasPrefix("remote: {listen: \"0.0.0.0:9090\", requests_per_second: 20}  # ") })
        #expect(settings.json.text.contains(#""remote":{"value":{"listen":"0.0.0.0:9090","requests_per_second":20},"from":"#))
    }

    @Test(arguments: [
        ("remote:\n  listen: \"example.com:80\"\n", ":2:11: listen must be an IPv4 address and a port"),
        ("remote:\n  listen: \"0.0.0.0:0\"\n", ":2:11: listen must be"),
        ("remote:\n  listen: \"300.0.0.1:80\"\n", ":2:11: listen must be"),
        ("remote:\n  port: 80\n", ":2:3: "),
        ("remote: 8080\n", ":1:9: "),
        ("remote:\n  requests_per_second: 0\n", ":2:24: "),
    ])
    func mistakesNameTheirPlace(_ text: String, _ expected: String) throws {
        do {
            _ = try load(text)
            Issue.record("\(text.debugDescription) was taken")
        } catch {
            let line = "\(error)"
            #expect(line.contains(expected) && !line.contains("\n"), "\(line)")
        }
    }
}

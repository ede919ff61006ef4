import Foundation
import TestSupport
import Testing

/// The box's unit as `make install-built` writes it, scored by
/// `systemd-analyze security --offline=yes` (no running systemd needed):
/// 2.5 or lower, with what the box needs left allowed; and the two
/// drop-ins (network, GPIO) open what they say and nothing breaks the unit.
@Suite struct UnitHardeningTests {
    @Test func theInstalledUnitScoresTwoAndAHalfOrLower() throws {
        let box = try InstalledBox()
        defer { box.remove() }
        let report = try box.security()
        #expect(report.status == 0, "over the threshold of 2.5:\n\(report.text)")
        let score = try #require(report.score, "no overall exposure level in:\n\(report.text)")
        #expect(score <= 2.5, "\(report.text)")

        // Restricted: no network, no capabilities, a system call allow list.
        for setting in [
            "RestrictAddressFamilies=~AF_(INET|INET6)", "PrivateNetwork=", "CapabilityBoundingSet=~CAP_SYS_ADMIN",
            "SystemCallFilter=~@mount", "ProtectProc=", "ProcSubset=", "MemoryDenyWriteExecute=", "RestrictNamespaces=~user",
        ] {
            #expect(report.passes(setting) == true, "\(setting) is not restricted:\n\(report.text)")
        }
        // Left as the box needs them: real time for the audio thread, local
        // sockets, the audio and input groups, sound cards and buttons.
        for setting in ["RestrictRealtime=", "RestrictAddressFamilies=~AF_UNIX", "SupplementaryGroups=", "PrivateUsers="] {
            #expect(report.passes(setting) == false, "\(setting) is restricted, which the box cannot run with")
        }
        #expect(report.line("DeviceAllow=")?.contains("char-input:r char-alsa:rw") == true, "\(report.text)")
        #expect(box.unit.contains("LimitRTPRIO=10"))
    }

    @Test func theRemotesUnitHasTheNetworkAndNothingElse() throws {
        let box = try InstalledBox()
        defer { box.remove() }
        let report = try box.security(unit: box.root + "/etc/systemd/system/stretchcue-remote.service")
        let score = try #require(report.score, "no overall exposure level in:\n\(report.text)")
        #expect(report.status == 0 && score <= 2.5, "\(report.text)")
        for setting in [
            "PrivateDevices=", "CapabilityBoundingSet=~CAP_SYS_ADMIN", "SystemCallFilter=~@mount", "ProtectSystem=", "ProtectHome=",
            "RestrictRealtime=", "MemoryDenyWriteExecute=", "NoNewPrivileges=",
        ] {
            #expect(report.passes(setting) == true, "\(setting) is not restricted:\n\(report.text)")
        }
        // It serves on the network; the box does not.
        #expect(report.passes("RestrictAddressFamilies=~AF_(INET|INET6)") == false)
        #expect(box.unit.contains("PrivateNetwork=yes"))
    }

    @Test func theNetworkAndGPIODropInsOpenWhatTheySayAndTheUnitStillVerifies() throws {
        let box = try InstalledBox()
        defer { box.remove() }
        // Installed as examples only, then put in effect as the README says.
        let dropIns = box.unitPath + ".d"
        try FileManager.default.createDirectory(atPath: dropIns, withIntermediateDirectories: true)
        for name in ["network.conf", "gpio.conf"] {
            try FileManager.default.copyItem(atPath: box.share + "/systemd/" + name, toPath: dropIns + "/" + name)
        }
        let verify = try InstallTests.run("/usr/bin/systemd-analyze", ["verify", box.unitPath])
        #expect(verify.status == 0 && verify.output.isEmpty, "\(verify.output)")

        let report = try box.security()
        #expect(report.passes("RestrictAddressFamilies=~AF_(INET|INET6)") == false, "\(report.text)")
        #expect(report.passes("PrivateNetwork=") == false, "\(report.text)")
        #expect(report.line("DeviceAllow=")?.contains("char-gpiochip:rw") == true, "\(report.text)")
        // The rest stays as it was.
        #expect(report.passes("CapabilityBoundingSet=~CAP_SYS_ADMIN") == true && report.passes("ProcSubset=") == true)
        let score = try #require(report.score, "\(report.text)")
        #expect(score <= 2.5, "\(report.text)")
    }
}

/// `make install-built` into a folder of its own.
private struct InstalledBox {
    let root = Repository.temporaryFolder("stretchcue-unit")
    var unitPath: String { root + "/etc/systemd/system/stretchcue.service" }
    var share: String { root + "/usr/local/share/stretchcue" }
    let unit: String

    init() throws {
        let install = try InstallTests.run(
            "/usr/bin/make", ["-C", Repository.root, "install-built", "BINARY=\(Repository.products)/stretchcue",
            "PREFIX=\(root)/usr/local", "UNITDIR=\(root)/etc/systemd/system", "CONFIGDIR=\(root)/etc/stretchcue"])
        #expect(install.status == 0, "\(install.output)")
        unit = try String(contentsOfFile: root + "/etc/systemd/system/stretchcue.service", encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// `systemd-analyze security` of the installed unit (and the drop-ins beside it), or of another installed one.
    func security(unit: String? = nil) throws -> SecurityReport {
        let result = try InstallTests.run(
            "/usr/bin/systemd-analyze", ["security", "--offline=yes", "--threshold=25", "--no-pager", unit ?? unitPath])
        return SecurityReport(status: result.status, text: result.output)
    }
}

/// What `systemd-analyze security` printed: one line a setting, `✓` or
/// `✗` and its name first, and the overall exposure level last.
private struct SecurityReport {
    let status: Int32
    let text: String

    var score: Double? {
        guard let line = text.split(separator: "\n").first(where: { $0.contains("Overall exposure level") }),
            let number = line.split(separator: ":").last?.split(separator: " ").first
        else { return nil }
        return Double(number)
    }

    /// The line of `setting` (a name as the report spells it).
    func line(_ setting: String) -> String? {
        text.split(separator: "\n").map(String.init).first { line in
            line.split(separator: " ", maxSplits: 2).dropFirst().first.map(String.init) == setting
        }
    }

    /// Whether the report counts `setting` as restricted; nil when it is not listed.
    func passes(_ setting: String) -> Bool? { line(setting).map { $0.hasPrefix("✓") } }
}

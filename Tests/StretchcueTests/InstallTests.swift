import Foundation
import TestSupport
import Testing

/// `make install-built` as a box is set up: the program, its sounds, the
/// unit and an example config land where the service finds them, the unit
/// passes `systemd-analyze verify`, and a config the user edited stays.
@Suite struct InstallTests {
    @Test func theInstalledBoxFindsItsSoundsAndItsUnitVerifies() throws {
        let root = Repository.temporaryFolder("stretchcue-install")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let install = try Self.run(
            "/usr/bin/make", ["-C", Repository.root, "install-built", "BINARY=\(Repository.products)/stretchcue",
            "PREFIX=\(root)/usr/local", "UNITDIR=\(root)/etc/systemd/system", "CONFIGDIR=\(root)/etc/stretchcue"])
        #expect(install.status == 0, "\(install.output)")
        let unit = root + "/etc/systemd/system/stretchcue.service"
        let text = try String(contentsOfFile: unit, encoding: .utf8)
        #expect(text.contains("ExecStart=\(root)/usr/local/bin/stretchcue serve") && text.contains("Type=notify"))
        // A placeholder is @NAME@; @system-service (SystemCallFilter=) is not one.
        #expect(text.range(of: "@[A-Z]+@", options: .regularExpression) == nil, "a placeholder was left in the unit")
        let verify = try Self.run("/usr/bin/systemd-analyze", ["verify", unit])
        #expect(verify.status == 0 && verify.output.isEmpty, "\(verify.output)")
        // The daily session: a timer at 07:30 and the service it starts, asking the box.
        let daily = root + "/etc/systemd/system/stretchcue-daily"
        let dailyService = try String(contentsOfFile: daily + ".service", encoding: .utf8)
        #expect(dailyService.contains("ExecStart=\(root)/usr/local/bin/stretchcue ctl start"))
        #expect(try String(contentsOfFile: daily + ".timer", encoding: .utf8).contains("OnCalendar=07:30"))
        let verifyDaily = try Self.run("/usr/bin/systemd-analyze", ["verify", daily + ".service", daily + ".timer"])
        #expect(verifyDaily.status == 0 && verifyDaily.output.isEmpty, "\(verifyDaily.output)")
        // The remote: its own unit, off until enabled.
        let remote = root + "/etc/systemd/system/stretchcue-remote.service"
        #expect(try String(contentsOfFile: remote, encoding: .utf8).contains("ExecStart=\(root)/usr/local/bin/stretchcue remote\n"))
        let verifyRemote = try Self.run("/usr/bin/systemd-analyze", ["verify", remote])
        #expect(verifyRemote.status == 0 && verifyRemote.output.isEmpty, "\(verifyRemote.output)")

        // Run from where it was installed, it finds its own sounds.
        let program = root + "/usr/local/bin/stretchcue"
        let render = try Self.run(program, ["render", "--hold", "1", "--rounds", "1", "-o", root + "/check.wav"])
        #expect(render.status == 0, "\(render.output)")
        let check = try Self.run(program, ["config", "check", root + "/etc/stretchcue/config.yaml"])
        #expect(check.status == 0, "\(check.output)")
        // Its voice says which language it speaks: a German pack is told what a session would say in English.
        try FileManager.default.createDirectory(atPath: root + "/deutsch", withIntermediateDirectories: true)
        try WAV.writeTone(root + "/deutsch/round.2.wav", seconds: 0.5)
        try "format: 1\nname: Deutsch\nlicense: CC0-1.0\nlanguage: de\nsounds:\n  round.2: round.2.wav\n"
            .write(toFile: root + "/deutsch/pack.yaml", atomically: true, encoding: .utf8)
        let german = try Self.run(program, ["packs", "check", root + "/deutsch", "--routine", "back-tension"])
        #expect(german.status == 2 && german.output.contains("which speaks en, not de: intro.back-tension,"), "\(german.output)")

        // Bash completes subcommands, and names where a routine, pack or request goes.
        let completions = root + "/usr/local/share/bash-completion/completions/stretchcue"
        #expect(try Self.complete(completions, [program, "pl"]) == ["play", "plan"])
        #expect(try Self.complete(completions, [program, "play", "--pack", ""]).contains("wood"))
        #expect(try Self.complete(completions, [program, "play", "back"]) == ["back-tension"])
        #expect(try Self.complete(completions, [program, "ctl", "st"]) == ["start", "stop", "status"])
        for script in ["zsh/site-functions/_stretchcue", "fish/vendor_completions.d/stretchcue.fish"] {
            #expect(try String(contentsOfFile: root + "/usr/local/share/" + script, encoding: .utf8).contains("stretchcue"))
        }

        // Installing again keeps the config the user edited.
        try "device: plughw:CARD=Device\n".write(toFile: root + "/etc/stretchcue/config.yaml", atomically: true, encoding: .utf8)
        let again = try Self.run(
            "/usr/bin/make", ["-C", Repository.root, "install-built", "BINARY=\(Repository.products)/stretchcue",
            "PREFIX=\(root)/usr/local", "UNITDIR=\(root)/etc/systemd/system", "CONFIGDIR=\(root)/etc/stretchcue"])
        #expect(again.status == 0)
        #expect(try String(contentsOfFile: root + "/etc/stretchcue/config.yaml", encoding: .utf8) == "device: plughw:CARD=Device\n")

        // The manual is installed where man finds it, and renders without a warning.
        let manual = root + "/usr/local/share/man/man1/stretchcue.1"
        let rendered = try Self.run("/usr/bin/man", ["-l", manual])
        #expect(rendered.status == 0 && rendered.output.contains("stretchcue") && rendered.output.contains("ctl"))
        let warnings = try Self.run("/usr/bin/groff", ["-mandoc", "-Tutf8", "-ww", "-z", manual])
        #expect(warnings.status == 0 && warnings.output.isEmpty, "\(warnings.output)")

        // Uninstalling takes the completions and the manual too.
        let uninstall = try Self.run(
            "/usr/bin/make", ["-C", Repository.root, "uninstall", "PREFIX=\(root)/usr/local", "UNITDIR=\(root)/etc/systemd/system"])
        #expect(uninstall.status == 0, "\(uninstall.output)")
        #expect(!FileManager.default.fileExists(atPath: completions))
        #expect(!FileManager.default.fileExists(atPath: remote))
        #expect(!FileManager.default.fileExists(atPath: manual))
    }

    /// docs/stretchcue.1 is written by `make man`; it says what the help
    /// says: every command and option, with its text, as the program
    /// describes itself now (`--experimental-dump-help`, as the plugin
    /// reads it, with the person's config as `~/`).
    @Test func theManualIsTheProgramsHelp() throws {
        let manual = try String(contentsOfFile: Repository.root + "/docs/stretchcue.1", encoding: .utf8)
        let dump = try Self.run(
            Repository.products + "/stretchcue", ["--experimental-dump-help"],
            environment: ["HOME": "~", "XDG_CONFIG_HOME": nil, "STATE_DIRECTORY": nil])
        #expect(dump.status == 0)
        let tree = try #require(try JSONSerialization.jsonObject(with: Data(dump.output.utf8)) as? [String: Any])
        var missing: [String] = []
        func check(_ command: [String: Any], root: Bool) {
            guard command["shouldDisplay"] as? Bool ?? true else { return }
            let name = command["commandName"] as? String ?? ""
            if !root && !manual.contains(".It Em \(name)\n") { missing.append("command \(name)") }
            if let abstract = command["abstract"] as? String, !manual.contains(abstract) { missing.append("\(name): \(abstract)") }
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool ?? true {
                for spelling in argument["names"] as? [[String: String]] ?? [] {
                    let flag = (spelling["kind"] == "short" ? "Fl " : "-") + (spelling["name"] ?? "")
                    if !manual.contains(flag) { missing.append("\(name) \(flag)") }
                }
                if let abstract = argument["abstract"] as? String, !manual.contains(abstract) {
                    missing.append("\(name): \(abstract)")
                }
            }
            for subcommand in command["subcommands"] as? [[String: Any]] ?? [] { check(subcommand, root: false) }
        }
        check(try #require(tree["command"] as? [String: Any]), root: true)
        #expect(missing.isEmpty, "docs/stretchcue.1 is out of date (run `make man`): \(missing)")
    }

    /// What bash's completion, from the script `file`, offers for the
    /// command line `words` (the last is the word being completed).
    static func complete(_ file: String, _ words: [String]) throws -> [String] {
        let script = """
            source "$1"; shift
            COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
            _stretchcue "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try run("/bin/bash", ["-c", script, "bash", file] + words)
        #expect(result.status == 0, "\(result.output)")
        return result.output.split(separator: "\n").map(String.init)
    }

    /// Runs a program to its end; its status and everything it printed.
    /// `changes`: variables set, or unset where `nil`.
    static func run(
        _ path: String, _ arguments: [String], environment changes: [String: String?] = [:]
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["STRETCHCUE_SOUNDS"] = nil
        for (name, value) in changes { environment[name] = value }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}

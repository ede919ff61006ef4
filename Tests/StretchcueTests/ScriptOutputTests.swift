import Foundation
import TestSupport
import Testing

/// What scripts and people read: `--json` on `devices`, `packs list`,
/// `packs check`, `loudness` and `config show`, parsed as JSON; `history`
/// in the local time `TZ` names; `render`'s progress, on a terminal only.
@Suite struct ScriptOutputTests {
    /// A PCM of the ALSA config's own, described with quotes in its name,
    /// is listed; a device ALSA does not list is said to be so.
    @Test func devicesAsJSON() throws {
        let folder = Repository.temporaryFolder("stretchcue-json")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"pcm.studio { type null; hint { show on; description "The \"studio\" speakers" } }"#
            .write(toFile: folder + "/asoundrc", atomically: true, encoding: .utf8)
        let alsa = ["ALSA_CONFIG_PATH": "/usr/share/alsa/alsa.conf:\(folder)/asoundrc"]

        let listed = try object(Program.run(["devices", "--json", "-D", "studio"], environment: alsa))
        #expect(listed["device"] as? String == "studio")
        #expect(listed["listed"] as? Bool == true)
        let devices = try #require(listed["devices"] as? [[String: Any]])
        let studio = devices.first { $0["name"] as? String == "studio" }
        #expect(studio?["description"] as? String == #"The "studio" speakers"#, "\(devices)")
        let cards = try #require(listed["cards"] as? [[String: Any]])
        for card in cards {
            #expect(card["device"] as? String == "plughw:CARD=\(card["id"] as? String ?? "?")")
        }

        let unlisted = try object(Program.run(["devices", "--json", "-D", "hw:CARD=Nowhere"], environment: alsa))
        #expect(unlisted["device"] as? String == "hw:CARD=Nowhere")
        #expect(unlisted["listed"] as? Bool == false)
    }

    /// Issue 32: what a device is, read from ALSA's configuration without
    /// opening it, through the plugins that wrap another PCM: the sound
    /// servers (second stream for the answers), BlueALSA's Bluetooth PCM
    /// as Debian's bluez-alsa-utils defines it (one stream: a card), a
    /// card, and ALSA's file tap.
    @Test func devicesSayWhatEachIs() throws {
        let folder = Repository.temporaryFolder("stretchcue-json")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
            pcm.desk { type plug; slave.pcm "pulse" }
            pcm.pw { type pipewire }
            pcm.speaker { type plug; slave { pcm { type bluealsa; device "00:11:22:33:44:55"; profile "a2dp" } } }
            pcm.dac { type plug; slave.pcm "hw:0" }
            pcm.tap { type file; slave.pcm null; file "/dev/null" }
            """.write(toFile: folder + "/asoundrc", atomically: true, encoding: .utf8)
        let alsa = ["ALSA_CONFIG_PATH": "/usr/share/alsa/alsa.conf:\(folder)/asoundrc"]
        let expected = [
            "pulse": "pulseAudio", "desk": "pulseAudio", "pw": "pipeWire", "speaker": "blueALSA",
            "bluealsa:DEV=00:11:22:33:44:55": "blueALSA", "dac": "card", "plughw:0": "card", "tap": "noDevice",
            "nothing-of-that-name": "unknown",
        ]
        for (device, kind) in expected {
            let listing = try object(Program.run(["devices", "--json", "-D", device], environment: alsa))
            #expect(listing["kind"] as? String == kind, "\(device): \(listing["kind"] ?? "none")")
        }
        let text = try Program.run(["devices", "-D", "bluealsa:DEV=00:11:22:33:44:55"], environment: alsa)
        #expect(text.output.contains("bluealsa:DEV=00:11:22:33:44:55  [Bluetooth through BlueALSA"), "\(text.output)")
        #expect(text.output.contains("pulse  [sound server: PulseAudio"), "\(text.output)")
    }

    /// The shipped packs with what they cover, and a broken one with why.
    @Test func packsListAsJSON() throws {
        let folder = Repository.temporaryFolder("stretchcue-json")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/stretchcue/packs/broken", withIntermediateDirectories: true)
        try "format: 1\nname: Broken\n".write(toFile: folder + "/stretchcue/packs/broken/pack.yaml", atomically: true, encoding: .utf8)

        let list = try object(Program.run(["packs", "list", "--json"], environment: ["XDG_DATA_HOME": folder]))
        let packs = try #require(list["packs"] as? [[String: Any]])
        let byID = Dictionary(packs.map { ($0["id"] as? String ?? "?", $0) }) { first, _ in first }
        let shipped = try #require(byID["default"])
        #expect(shipped["name"] as? String == "Stretchcue (built in)")
        #expect(shipped["license"] as? String == "CC0-1.0" && shipped["language"] as? String == "en")
        #expect(shipped["sounds"] as? Int == 22 && shipped["prompts"] as? Int == 0)
        #expect(shipped["folder"] as? String == Repository.root + "/Sounds/packs/default")
        let wood = try #require(byID["wood"])
        #expect(wood["language"] is NSNull && wood["sounds"] as? Int == 7 && wood["inherits"] as? [String] == [])
        let broken = try #require(byID["broken"])
        #expect((broken["error"] as? String)?.contains("pack.yaml") == true, "\(broken)")
        #expect(broken["name"] == nil)
        #expect((list["searched"] as? [String])?.contains(folder + "/stretchcue/packs") == true)
    }

    /// A clean pack's files measured; a pack with problems has them in the
    /// JSON too, and still exits 2 with them on standard error.
    @Test func packsCheckAsJSON() throws {
        let clean = try Program.run(["packs", "check", "wood", "--json"])
        #expect(clean.status == 0, "\(clean.error)")
        let wood = try object(clean)
        #expect(wood["name"] as? String == "Soft wood")
        #expect(wood["problems"] as? [String] == [] && wood["written"] is NSNull)
        let files = try #require(wood["files"] as? [[String: Any]])
        #expect(files.count == 7)
        for file in files {
            #expect(file["sampleRate"] as? Int == 48_000)
            #expect(((file["file"] as? String) ?? "").hasPrefix(Repository.root + "/Sounds/packs/wood/"))
            let loudness = try #require(file["loudness"] as? Double, "\(file)")
            let peak = try #require(file["peak"] as? Double)
            #expect((-40.0 ... -5.0).contains(loudness) && peak <= 0)
            #expect(file["silenceBefore"] is Double && file["gain"] is Double && file["heldToPeak"] is Bool)
        }

        let folder = Repository.temporaryFolder("stretchcue-json")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try WAV.writeTone(folder + "/start.wav", seconds: 0.5)
        try "format: 1\nname: Mine\nlicense: CC0-1.0\nsounds:\n  chime.strat: start.wav\n"
            .write(toFile: folder + "/pack.yaml", atomically: true, encoding: .utf8)
        let problems = try Program.run(["packs", "check", folder, "--json"])
        #expect(problems.status == 2)
        let mine = try object(problems)
        let listed = try #require(mine["problems"] as? [String])
        #expect(listed.count == 1 && listed[0].contains("chime.strat"), "\(listed)")
        #expect(problems.error.contains("chime.strat"))
    }

    @Test func loudnessAsJSON() throws {
        let voice = Repository.voiceFolder
        let files = [voice + "/number.6.wav", voice + "/intro.back-tension.wav"]
        let measured = try object(Program.run(["loudness", "--json", "--target=-23"] + files))
        #expect(measured["target"] as? Double == -23)
        let entries = try #require(measured["files"] as? [[String: Any]])
        #expect(entries.map { $0["file"] as? String } == files)
        for entry in entries {
            // Both at -20 LUFS: 3 dB down to the target.
            let loudness = try #require(entry["loudness"] as? Double)
            let gain = try #require(entry["gain"] as? Double)
            let peak = try #require(entry["peak"] as? Double)
            #expect(abs(loudness + 20) < 0.05 && abs(gain + 3) < 0.05, "\(entry)")
            #expect(abs((entry["peakAfterGain"] as? Double ?? 0) - (peak + gain)) < 0.002)
        }
    }

    /// Every setting of `config show`, in its order, with its value and where it came from.
    @Test func configShowAsJSON() throws {
        let folder = Repository.temporaryFolder("stretchcue-json")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = folder + "/config.yaml"
        try "device: hw:CARD=Box\nrounds: 3\nmute: [breath]\nhooks:\n  on_start: /bin/true\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let result = try Program.run(["config", "show", "--config", config, "--json"])
        #expect(result.status == 0, "\(result.error)")
        let settings = try object(result)
        func setting(_ key: String) -> [String: Any] { settings[key] as? [String: Any] ?? [:] }
        #expect(setting("device")["value"] as? String == "hw:CARD=Box")
        #expect(setting("device")["from"] as? String == config + ":1")
        #expect(setting("rounds")["value"] as? Int == 3)
        #expect(setting("mute")["value"] as? [String] == ["breath"])
        #expect((setting("hooks")["value"] as? [String: String]) == ["on_start": "/bin/true"])
        #expect(setting("hold")["value"] is NSNull && setting("hold")["from"] as? String == "default")
        #expect(setting("stall_timeout")["value"] as? Double == 2)
        // The same keys as the text, in the same order.
        let text = try Program.run(["config", "show", "--config", config])
        let keys = text.output.split(separator: "\n").map { String($0.prefix { $0 != ":" }) }
        let jsonKeys = try #require(result.output.firstMatch(of: /^\{"([a-z_]+)"/)).output.1
        #expect(keys.first == String(jsonKeys))
        #expect(Set(keys) == Set(settings.keys) && keys.count == settings.count)
    }

    /// The table says when a session started in the local time `TZ` names;
    /// the JSON keeps the seconds since 1970.
    @Test(arguments: [("UTC0", "2025-12-02 07:20"), ("JST-9", "2025-12-02 16:20"), ("EST+5", "2025-12-02 02:20")])
    func historyIsInLocalTime(zone: String, shown: String) throws {
        let folder = Repository.temporaryFolder("stretchcue-json")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/stretchcue", withIntermediateDirectories: true)
        try #"{"start":1764660000,"end":1764660600,"routine":"Back","rounds":1,"completed":["a"],"skipped":[],"stopped":false}"#
            .appending("\n").write(toFile: folder + "/stretchcue/history.jsonl", atomically: true, encoding: .utf8)
        let environment = ["XDG_STATE_HOME": folder, "TZ": zone]
        let table = try Program.run(["history"], environment: environment)
        #expect(table.status == 0, "\(table.error)")
        let lines = table.output.split(separator: "\n")
        #expect(lines.first?.hasPrefix("started  ") == true, "\(table.output)")
        #expect(lines.last?.hasPrefix(shown + "  10:00   Back ") == true, "\(table.output)")
        let json = try Program.run(["history", "--json"], environment: environment)
        #expect(json.output.contains(#""start":1764660000"#))
    }

    /// `history --box` reads the service's state folder, as the box's
    /// config sets it; `history` takes no device or socket flags, which
    /// would mean nothing to it.
    @Test func historyBoxReadsTheServicesFolder() throws {
        let folder = Repository.temporaryFolder("stretchcue-json")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/box", withIntermediateDirectories: true)
        try #"{"start":1764660000,"end":1764660600,"routine":"Boxed","rounds":1,"completed":["a"],"skipped":[],"stopped":true}"#
            .appending("\n").write(toFile: folder + "/box/history.jsonl", atomically: true, encoding: .utf8)
        try "state_folder: \(folder)/box\n".write(toFile: folder + "/config.yaml", atomically: true, encoding: .utf8)
        let environment = ["XDG_STATE_HOME": folder + "/mine", "TZ": "UTC0"]
        let box = try Program.run(["history", "--box", "--config", folder + "/config.yaml"], environment: environment)
        #expect(box.status == 0 && box.output.contains("Boxed") && box.output.contains("stopped"), "\(box.output)\(box.error)")
        let device = try Program.run(["history", "-D", "hw:0"], environment: environment)
        #expect(device.status == 64, "\(device.error)")
    }

    /// `render` at a terminal shows its progress on one line redrawn in
    /// place, fitted to the terminal, up to 100%, then takes it away; a
    /// script, with no terminal, gets no progress.
    @Test func renderShowsItsProgressOnlyOnATerminal() throws {
        let folder = Repository.temporaryFolder("stretchcue-json")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder)
        let terminal = try PseudoTerminal(columns: 60)
        let render = try terminal.start(["render", routine, "-o", folder + "/a.wav"], errors: FileHandle(fileDescriptor: terminal.slave))
        render.waitUntilExit()
        #expect(render.terminationStatus == 0)
        let ended = Date()
        while !terminal.output.contains("stretchcue: wrote"), Date().timeIntervalSince(ended) < 5 { usleep(10_000) }
        let screen = TerminalRows(columns: 60, output: terminal.output)
        let progress = screen.draws.filter { $0.hasPrefix("rendering ") }
        let percents = progress.compactMap { $0.firstMatch(of: /^rendering (\d+)%/).flatMap { Int($0.output.1) } }
        #expect(percents.count > 10 && percents.first == 0 && percents.last == 100 && percents == percents.sorted(), "\(progress)")
        #expect(progress.allSatisfy { $0.count < 60 }, "\(progress)")
        let end = try #require(progress.last?.firstMatch(of: /(\d+:\d\d) of (\d+:\d\d)/))
        #expect(end.output.1 == end.output.2, "\(progress)")
        // Only the summary scrolled up: the progress was redrawn in place, and is gone.
        #expect(screen.lines.count == 1 && screen.lines[0].hasPrefix("stretchcue: wrote "), "\(screen.lines)")

        let script = try Program.run(["render", routine, "-o", folder + "/b.wav"])
        #expect(script.status == 0, "\(script.error)")
        #expect(!script.error.contains("rendering") && !script.error.contains("\r"), "\(script.error)")
        #expect(script.error.hasPrefix("stretchcue: wrote "))
    }

    /// The JSON object a run printed, which must have succeeded.
    private func object(_ result: Program.Result, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(result.output.hasSuffix("}\n") && result.output.split(separator: "\n").count == 1, sourceLocation: sourceLocation)
        return try #require(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "\(result.output)\(result.error)",
            sourceLocation: sourceLocation)
    }
}

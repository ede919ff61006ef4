import Foundation
import TestSupport
import Testing

/// A pack checked against a routine: every prompt a session would take in
/// another language named, and the pack's sounds the routine never plays.
@Suite struct PackLanguageTests {
    let folder = Repository.temporaryFolder("stretchcue-language")

    /// A pack `name` in `language` whose `keys` are short tones, inheriting `inherits`.
    func pack(_ name: String, language: String?, keys: [String], inherits: [String] = []) throws -> String {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var lines = ["format: 1", "name: \(name)", "license: CC0-1.0", "inherits: [\(inherits.joined(separator: ", "))]"]
        if let language { lines.append("language: \(language)") }
        lines.append("sounds:")
        for key in keys {
            try WAV.writeTone("\(path)/\(key).wav", frequency: 220, seconds: 0.5)
            lines.append("  \(key): \(key).wav")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path + "/pack.yaml", atomically: true, encoding: .utf8)
        return path
    }

    /// The prompts of the line of `error` that names `source`'s manifest.
    func prompts(in error: String, from source: String) throws -> [String] {
        let line = try #require(error.split(separator: "\n").first { $0.contains("(\(source)/pack.yaml)") })
        let list = try #require(line.split(separator: ": ").dropFirst(2).first?.split(separator: ";").first)
        return list.split(separator: ", ").map(String.init)
    }

    @Test func aGermanPackNamesEveryPromptASessionWouldSpeakInEnglish() throws {
        let english = try pack("extra", language: "en", keys: ["round.3"])
        let german = try pack("deutsch", language: "de", keys: ["round.2", "side.left", "side.right"], inherits: ["../extra"])
        let check = try Program.run(["packs", "check", german, "--routine", "back-tension"])
        #expect(check.status == 2, "\(check.output)\(check.error)")
        let lines = check.error.split(separator: "\n")
        #expect(lines.count == 2, "one line for the English pack, one for the built-in voice: \(check.error)")
        #expect(lines.allSatisfy { $0.hasPrefix(german + "/pack.yaml: a session of back-tension would take ") }, "\(check.error)")
        #expect(lines.allSatisfy { $0.contains("which speaks en, not de") }, "\(check.error)")
        #expect(try prompts(in: check.error, from: english) == ["round.3"])
        let voice = try prompts(in: check.error, from: Repository.voiceFolder)
        // The routine's cues, every round a session may be asked for, and the words of "where am I".
        for id in ["intro.back-tension", "word.cow", "side.knee-pulls.left", "round.4", "round.9", "status.round", "name.cobra", "number.7", "status.over"] {
            #expect(voice.contains(id), "\(id) in \(voice)")
        }
        #expect(!voice.contains("round.2") && !voice.contains("round.3") && !voice.contains("side.left"), "\(voice)")
        #expect(!voice.contains("status.ready") && !voice.contains("key.pause"), "not spoken in a session: \(voice)")
        #expect(check.output.contains("\n  never played in a session of back-tension: side.left, side.right\n"), "\(check.output)")
    }

    /// en-GB and en are one language; a session's pack that states none mixes nothing.
    @Test func aPackOfTheVoicesLanguageChecksCleanAndNamesWhatTheRoutineNeverPlays() throws {
        for (name, language) in [("british", "en-GB"), ("unsaid", nil)] {
            let british = try pack(name, language: language, keys: ["pose.cobra", "side.left", "side.right", "key.pause", "status.ready", "my.own"])
            let check = try Program.run(["packs", "check", british, "--routine", "back-tension"])
            #expect(check.status == 0 && check.error.isEmpty, "\(check.error)")
            #expect(check.output.hasSuffix("\n  never played in a session of back-tension: my.own, side.left, side.right\n"), "\(check.output)")
        }
    }

    /// A routine with no sides never plays the switch chime.
    @Test func aRoutineWithoutSidesNeverPlaysTheSwitchChime() throws {
        let chimes = try pack("chimes", language: nil, keys: ["chime.switch", "chime.start", "tick"])
        let routine = folder + "/still.yaml"
        try "name: Still\nposes:\n  - id: a\n    name: A\n    prompt: pose.cobra\n".write(toFile: routine, atomically: true, encoding: .utf8)
        let check = try Program.run(["packs", "check", chimes, "--routine", routine])
        #expect(check.status == 0, "\(check.error)")
        #expect(check.output.hasSuffix("\n  never played in a session of \(routine): chime.switch\n"), "\(check.output)")
    }

    /// A render in German that would speak English says so, in one line, and still renders.
    @Test func aRenderThatMixesLanguagesWarnsInOneLine() throws {
        let german = try pack("deutsch", language: "de", keys: ["round.2"])
        let render = try Program.run(["render", "--pack", german, "--rounds", "3", "--hold", "2", "-o", folder + "/x.wav"])
        #expect(render.status == 0, "\(render.error)")
        let warnings = render.error.split(separator: "\n").filter { $0.hasPrefix("stretchcue: warning: ") }
        #expect(warnings.count == 1, "\(render.error)")
        #expect(warnings.first?.hasPrefix("stretchcue: warning: the session speaks de (pack 'deutsch') but takes ") == true)
        #expect(warnings.first?.contains("from the built-in voice (en): intro.back-tension,") == true, "\(render.error)")
        #expect(warnings.first?.contains("round.3") == true && warnings.first?.contains("round.2") == false, "\(render.error)")
        // A render answers no key: the words of "where am I" are not its.
        #expect(warnings.first?.contains("status.") == false, "\(render.error)")
        let english = try Program.run(["render", "--hold", "2", "-o", folder + "/y.wav"])
        #expect(!english.error.contains("warning"), "\(english.error)")
    }
}

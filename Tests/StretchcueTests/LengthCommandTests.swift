import Foundation
import TestSupport
import Testing

/// `--length` and `length:` from the command line: a session made to last
/// the minutes asked, the choice said, a length out of reach one line.
@Suite struct LengthCommandTests {
    func plannedSeconds(_ arguments: [String]) throws -> (seconds: Double, error: String) {
        let plan = try Program.run(["plan", "--json"] + arguments)
        #expect(plan.status == 0, "\(plan.error)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any])
        let frames = try #require(json["frames"] as? Int)
        return (Double(frames) / 48_000, plan.error)
    }

    @Test(arguments: [15, 45])
    func theBuiltInSessionLastsTheMinutesAsked(minutes: Int) throws {
        let (seconds, said) = try plannedSeconds(["--length", "\(minutes)m"])
        #expect(abs(seconds - Double(minutes * 60)) < 5, "\(seconds) s")
        #expect(said.hasPrefix("stretchcue: \(minutes):00 asked: ") && said.contains(" rounds, holds of "), "\(said)")
    }

    /// Five minutes of a shorter routine, rendered: the file holds that long.
    @Test func aRenderedShortRoutineLastsFiveMinutes() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = folder + "/short.yaml"
        try """
            name: Short
            hold: 30
            poses:
              - {id: cobra, name: Cobra, prompt: pose.cobra}
              - {id: knee-pulls, name: Knee pulls, prompt: pose.knee-pulls, sides: [left, right]}
            """.write(toFile: routine, atomically: true, encoding: .utf8)
        let file = folder + "/short.wav"
        let render = try Program.run(["render", routine, "--length", "5m", "-o", file])
        #expect(render.status == 0, "\(render.error)")
        // A WAV header of 44 bytes, then 16-bit stereo frames.
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        #expect(abs(Double(size - 44) / 4 / 48_000 - 300) < 5, "\(size) bytes")
    }

    @Test func aLengthNoRoundsAndHoldsReachIsOneLine() throws {
        let plan = try Program.run(["plan", "--length", "5m"])
        #expect(plan.status == 2 && plan.output.isEmpty)
        #expect(
            plan.error.hasPrefix("stretchcue: --length 5:00 does not fit Relieving Back Tension: the shortest session is ")
                && plan.error.hasSuffix(" or more\n") && plan.error.filter { $0 == "\n" }.count == 1, "\(plan.error)")
        let both = try Program.run(["plan", "--length", "15m", "--hold", "20"])
        #expect(both.status == 64 && both.error.contains("expected --length or --hold, not both"), "\(both.error)")
    }

    @Test func theConfigsLengthIsFittedAndAHoldGivenOverridesIt() throws {
        let folder = Repository.temporaryFolder("stretchcue-config")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = folder + "/config.yaml"
        try "length: 20m\n".write(toFile: config, atomically: true, encoding: .utf8)
        #expect(abs(try plannedSeconds(["--config", config]).seconds - 1200) < 5)
        let held = try plannedSeconds(["--config", config, "--hold", "30"])
        #expect(abs(held.seconds - 577.3) < 1 && held.error.isEmpty, "\(held)")
        try "length: 20\n".write(toFile: config, atomically: true, encoding: .utf8)
        let checked = try Program.run(["config", "check", config])
        #expect(checked.status == 2)
        #expect(
            checked.error == config + ":1:9: length must be like \"15m\", \"90s\" or \"1h30m\", from 1 minute to 24 hours; found '20'\n",
            "\(checked.error)")
    }
}

import Audio
import Routines
import TestSupport
import Testing
import Timing

/// `--length`: the built-in routine with its real prompts fitted into the
/// time asked, by its rounds and holds.
@Suite struct LengthFitTests {
    let routine = BuiltInRoutines.backTension
    let bank: SoundBank
    let rate = 48_000.0

    init() throws { bank = try SoundBank(sampleRate: 48_000, voiceFolder: Repository.voiceFolder) }

    @Test(arguments: [15.0, 20, 45, 90])
    func aSessionLastsTheMinutesAsked(minutes: Double) throws {
        let fit = try LengthFit.fit(minutes * 60, routine: routine, options: SessionOptions(), sounds: bank)
        var options = SessionOptions()
        (options.rounds, options.hold) = (fit.rounds, fit.hold)
        let timeline = try Timeline(routine: routine, options: options, sounds: bank)
        #expect(timeline.frames == fit.frames)
        #expect(abs(Double(timeline.frames) / rate - minutes * 60) <= LengthFit.tolerance, "\(fit)")
        #expect(fit.hold >= LengthFit.shortestHold && RoutineLimits.rounds.contains(fit.rounds), "\(fit)")
    }

    @Test func theRoundsChosenKeepTheHoldNearestTheRoutines() throws {
        // 45 minutes: five rounds of about 30 s holds, not three of 70 s.
        let long = try LengthFit.fit(45 * 60, routine: routine, options: SessionOptions(), sounds: bank)
        #expect(long.rounds == 5 && abs(long.hold - routine.hold) < 2, "\(long)")
        // Rounds asked for are kept; the holds take up the rest.
        let asked = try LengthFit.fit(15 * 60, routine: routine, options: SessionOptions(rounds: 1), sounds: bank)
        #expect(asked.rounds == 1 && asked.hold > 60, "\(asked)")
    }

    @Test func aLengthOutOfReachNamesTheNearestSession() throws {
        #expect(throws: LengthFit.Unreachable.self) {
            try LengthFit.fit(5 * 60, routine: routine, options: SessionOptions(), sounds: bank)
        }
        do {
            _ = try LengthFit.fit(5 * 60, routine: routine, options: SessionOptions(), sounds: bank)
        } catch let nearest as LengthFit.Unreachable {
            var shortest = SessionOptions()
            (shortest.rounds, shortest.hold) = (1, LengthFit.shortestHold)
            let frames = try Timeline(routine: routine, options: shortest, sounds: bank).frames
            #expect(nearest.shortest && nearest.frames == frames && nearest.rounds == 1 && nearest.hold == LengthFit.shortestHold)
        }
        #expect(throws: LengthFit.Unreachable.self) {
            try LengthFit.fit(23 * 3600, routine: routine, options: SessionOptions(rounds: 1), sounds: bank)
        }
    }

    @Test(arguments: [
        ("15m", 900.0), ("90s", 90), ("1h", 3600), ("1h30m", 5400), ("1h 5m 30s", 3930), ("2.5m", 150),
    ])
    func lengthsAreReadAsPeopleWriteThem(text: String, seconds: Double) {
        #expect(LengthFit.seconds(parsing: text) == seconds)
    }

    @Test(arguments: ["15", "m", "15x", "5m1h", "1m1m", "", "15m30", "-5m"])
    func anythingElseIsNoLength(text: String) {
        #expect(LengthFit.seconds(parsing: text) == nil)
    }
}

import Audio
import Routines
import TestSupport
import Testing
import Timing

/// Timeline edits while playing, checked on frames.
@Suite struct TransportTests {
    let rate: Int64 = 48_000
    let transport: Transport

    init() throws {
        let bank = try SoundBank(sampleRate: 48_000, voiceFolder: Repository.voiceFolder)
        let routine = BuiltInRoutines.backTension
        let timeline = try Timeline(routine: routine, options: SessionOptions(), sounds: bank)
        transport = Transport(timeline: timeline, pace: 1) { edits in
            try Timeline(routine: routine, options: SessionOptions(), sounds: bank, edits: edits)
        }
    }

    /// A frame `seconds` into step `index`'s hold.
    func inHold(_ index: Int, _ seconds: Double) -> Int64 {
        transport.timeline.steps[index].holdStart + Int64(seconds * Double(rate))
    }

    @Test func nextGoesToTheNextAnnouncementAndBreathingStartsAfreshThere() throws {
        var session = transport
        let position = try #require(try session.apply(.next, at: inHold(2, 12)))
        let step = session.timeline.steps[3]
        #expect(position == step.start)
        let firstBreath = session.timeline.cues.first { $0.kind.rawValue.hasPrefix("breath.") && $0.frame >= position }
        #expect(firstBreath?.kind == .breathInhale && firstBreath?.frame == step.holdStart)
        let spoken = session.timeline.cues.first { $0.frame >= position }
        #expect(spoken?.kind == .voice && spoken?.pose == step.pose)
    }

    @Test func nextAfterTheLastStepGoesToItsReleaseThenNowhere() throws {
        var session = transport
        let last = session.timeline.steps.last!
        #expect(try session.apply(.next, at: last.holdStart + 10) == last.holdEnd)
        #expect(try session.apply(.next, at: last.holdEnd + 10) == nil)
    }

    @Test func backRestartsTheStepAndAQuickSecondPressGoesOneFurther() throws {
        var session = transport
        let steps = session.timeline.steps
        let landing = try #require(try session.apply(.back, at: inHold(4, 20)))
        #expect(landing == steps[4].start)
        #expect(try session.apply(.back, at: landing + rate) == steps[3].start)
        // Slower than two seconds: the same step again.
        let again = try #require(try session.apply(.back, at: steps[3].start + 3 * rate))
        #expect(again == steps[3].start)
    }

    @Test func lengtheningMovesEverythingLaterByTenSeconds() throws {
        var session = transport
        let before = session.timeline
        let position = inHold(1, 12)
        #expect(try session.apply(.lengthen, at: position) == position)
        let after = session.timeline
        #expect(after.steps[1].holdEnd - after.steps[1].holdStart == 40 * rate)
        #expect(after.frames == before.frames + 10 * rate)
        let earlier = before.cues.filter { $0.frame < position }
        #expect(Array(after.cues.prefix(earlier.count)) == earlier)
        let later = before.cues.filter { $0.frame >= before.steps[1].holdEnd }.map(\.frame)
        let shifted = after.cues.filter { $0.frame >= after.steps[1].holdEnd }.map { $0.frame - 10 * rate }
        #expect(shifted == later)
    }

    @Test func shorteningStopsAtFiveSecondsAndNeverEndsBeforeNow() throws {
        var session = transport
        // 30 -> 20 -> 10 -> 5, then no further.
        for expected: Int64 in [20, 10, 5] {
            #expect(try session.apply(.shorten, at: inHold(1, 1)) != nil)
            let step = session.timeline.steps[1]
            #expect(step.holdEnd - step.holdStart == expected * rate)
        }
        #expect(try session.apply(.shorten, at: inHold(1, 1)) == nil)
        // 25 s into a 30 s hold, shortening ends it a second from now.
        var late = transport
        #expect(try late.apply(.shorten, at: inHold(2, 25)) != nil)
        let step = late.timeline.steps[2]
        #expect(step.holdEnd - step.holdStart == 26 * rate)
        // Over: nothing to shorten.
        #expect(try late.apply(.shorten, at: step.holdEnd + rate) == nil)
    }

    @Test func aBreathPacedStepGainsOrLosesABreath() throws {
        var session = transport
        let catCow = session.timeline.steps[0]
        #expect(catCow.breaths == 6)
        #expect(try session.apply(.lengthen, at: catCow.holdStart + rate) != nil)
        #expect(session.timeline.steps[0].breaths == 7)
        let inhales = session.timeline.cues.filter { $0.pose == "cat-cow" && $0.kind == .breathInhale }
        #expect(inhales.count == 7)
    }

    @Test func paceChangesHoldsFromTheNextStepButNeverSpeech() throws {
        var session = transport
        let before = session.timeline
        #expect(try session.apply(.faster, at: inHold(2, 5)) != nil)
        let after = session.timeline
        #expect(after.steps[2].holdEnd - after.steps[2].holdStart == 30 * rate)
        #expect(after.steps[3].holdEnd - after.steps[3].holdStart == 24 * rate)
        #expect(after.cues.filter { $0.kind == .voice }.map(\.length) == before.cues.filter { $0.kind == .voice }.map(\.length))
        // Before its hold, the current step takes the new pace too.
        var early = transport
        #expect(try early.apply(.slower, at: early.timeline.steps[2].start) != nil)
        #expect(early.timeline.steps[2].holdEnd - early.timeline.steps[2].holdStart == Int64(37.5 * 48_000))
    }

    /// A key pressed during the opening bell, before the first step: the
    /// first step takes the new pace (it was refused, as if nothing were playing).
    @Test func aPaceChangedDuringTheOpeningAppliesToTheFirstStep() throws {
        var session = transport
        let first = session.timeline.steps[0]
        #expect(first.start > 0)
        let before = session.timeline.cues.filter { $0.pose == first.pose && $0.kind == .breathInhale }.map(\.length)
        #expect(try session.apply(.slower, at: 0) != nil)
        let after = session.timeline.cues.filter { $0.pose == first.pose && $0.kind == .breathInhale }.map(\.length)
        #expect(after.count == before.count && zip(after, before).allSatisfy { $0 > $1 }, "\(before) -> \(after)")
    }
}

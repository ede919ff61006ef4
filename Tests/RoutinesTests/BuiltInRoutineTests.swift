import Routines
import Testing

/// The built-in routine keeps the seed's facts.
@Suite struct BuiltInRoutineTests {
    let routine = BuiltInRoutines.backTension

    @Test func posesAreTheSeedsSevenInOrder() {
        #expect(
            routine.poses.map(\.id) == [
                "cat-cow", "childs-pose", "cobra", "downward-dog", "hip-flexor", "back-bend", "knee-pulls",
            ])
        #expect(BuiltInRoutines.named("back-tension") == routine)
    }

    @Test func holdsAreThirtySecondsAndCatCowIsPacedByTheBreath() {
        #expect(routine.hold == 30)
        #expect(routine.rounds == 1)
        for pose in routine.poses.dropFirst() { #expect(pose.length == .hold(nil), "\(pose.id)") }
        let catCow = routine.poses[0]
        guard case .breaths(let count) = catCow.length else {
            Issue.record("cat/cow must be paced by the breath")
            return
        }
        #expect(count > 0)
        #expect(catCow.inhalePrompt == .voice("word.cow"))
        #expect(catCow.exhalePrompt == .voice("word.cat"))
    }

    @Test func kneePullsGoLeftThenRightThenBoth() {
        let kneePulls = routine.poses.last!
        #expect(kneePulls.sides == [.left, .right, .both])
        #expect(Set(kneePulls.sidePrompts.keys) == [.left, .right, .both])
    }

    @Test func theBackBendSaysHowToComeOutAndBreathingIsDeepAndSlow() {
        #expect(routine.poses[5].releasePrompt == .voice("release.back-bend"))
        #expect(routine.breathing.exhale > routine.breathing.inhale)
        #expect(routine.intro != nil && routine.outro != nil)
    }
}

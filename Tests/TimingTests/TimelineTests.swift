import Audio
import Routines
import TestSupport
import Testing
import Timing

/// The timing engine, on the built-in routine and its real voice prompts.
@Suite struct TimelineTests {
    let rate = 48_000
    let routine = BuiltInRoutines.backTension

    func timeline(_ options: SessionOptions = SessionOptions()) throws -> (Timeline, SoundBank) {
        let bank = try SoundBank(sampleRate: options.sampleRate, voiceFolder: Repository.voiceFolder)
        return (try Timeline(routine: routine, options: options, sounds: bank), bank)
    }

    func seconds(_ value: Double) -> Int64 { Int64(value * Double(rate)) }

    @Test func stepsFollowTheSeedWithKneePullsOnBothSidesThenBoth() throws {
        let (plan, _) = try timeline()
        #expect(
            plan.steps.map(\.pose) == [
                "cat-cow", "childs-pose", "cobra", "downward-dog", "hip-flexor", "back-bend", "knee-pulls",
                "knee-pulls", "knee-pulls",
            ])
        #expect(plan.steps.suffix(3).map(\.side) == [.left, .right, .both])
        for step in plan.steps where step.pose != "cat-cow" {
            #expect(step.holdEnd - step.holdStart == seconds(30), "\(step.pose)")
        }
    }

    @Test(arguments: 1...3)
    func roundsRepeatEveryPose(rounds: Int) throws {
        let (plan, _) = try timeline(SessionOptions(rounds: rounds))
        #expect(plan.steps.count == 9 * rounds)
        #expect(plan.steps.map(\.round) == (1...rounds).flatMap { Array(repeating: $0, count: 9) })
        let announcements = plan.cues.filter { $0.prompt?.description.hasPrefix("round.") == true }
        #expect(announcements.map(\.prompt) == (1..<rounds).map { .voice("round.\($0 + 1)") })
    }

    @Test(arguments: [1.0, 0.5, 3.0])
    func spokenPromptsNeverOverlap(pace: Double) throws {
        let (plan, bank) = try timeline(SessionOptions(rounds: 2, pace: pace))
        var spans: [(Int64, Int64)] = []
        for cue in plan.cues {
            guard let prompt = cue.prompt else { continue }
            let length = try bank.frames(of: prompt)
            if cue.kind == .voice { #expect(cue.length == length) }
            spans.append((cue.frame, cue.frame + length))
        }
        for (earlier, later) in zip(spans, spans.dropFirst()) { #expect(earlier.1 <= later.0) }
    }

    @Test func eachHoldStartsAfterItsPromptAndTheSettlePause() throws {
        let (plan, _) = try timeline()
        for step in plan.steps {
            let spoken = plan.cues.filter { $0.kind == .voice && $0.end <= step.holdStart }
            let lastWord = try #require(spoken.last)
            #expect(step.holdStart - lastWord.end == seconds(routine.settle))
            #expect(plan.cues.contains { $0.kind == .chimeStart && $0.frame == step.holdStart })
            let closing: CueKind = step.side == .left || step.side == .right ? .chimeSwitch : .chimeEnd
            #expect(plan.cues.contains { $0.kind == closing && $0.frame == step.holdEnd })
        }
    }

    @Test func breathCuesTileEveryHoldInPhase() throws {
        let (plan, _) = try timeline()
        for step in plan.steps {
            let breaths = plan.cues.filter {
                $0.kind.rawValue.hasPrefix("breath.") && $0.frame >= step.holdStart && $0.frame < step.holdEnd
            }
            #expect(breaths.first?.frame == step.holdStart)
            #expect(breaths.last?.end == step.holdEnd)
            for (earlier, later) in zip(breaths, breaths.dropFirst()) { #expect(earlier.end == later.frame) }
            for (index, breath) in breaths.enumerated() {
                #expect(breath.kind == (index.isMultiple(of: 2) ? .breathInhale : .breathExhale))
                #expect(breath.length == seconds(breath.kind == .breathInhale ? 4 : 6))
            }
        }
    }

    @Test func catCowBreathsCarryCowOnTheInhaleAndCatOnTheExhale() throws {
        let (plan, _) = try timeline()
        let breaths = plan.cues.filter { $0.pose == "cat-cow" && $0.kind.rawValue.hasPrefix("breath.") }
        #expect(breaths.count == 12)
        for breath in breaths {
            #expect(breath.prompt == .voice(breath.kind == .breathInhale ? "word.cow" : "word.cat"))
        }
    }

    @Test func paceScalesHoldsAndPausesButNeverSpeech() throws {
        let (normal, _) = try timeline()
        let (fast, _) = try timeline(SessionOptions(pace: 2))
        #expect(fast.steps[1].holdEnd - fast.steps[1].holdStart == seconds(15))
        let normalSpeech = normal.cues.filter { $0.kind == .voice }.map(\.length)
        #expect(fast.cues.filter { $0.kind == .voice }.map(\.length) == normalSpeech)
        #expect(fast.frames < normal.frames)
    }

    @Test func holdAndBreathOptionsOverrideTheRoutine() throws {
        let (plan, _) = try timeline(SessionOptions(hold: 45, breathing: BreathPattern(inhale: 5, holdIn: 2, exhale: 5)))
        let step = plan.steps[1]
        #expect(step.holdEnd - step.holdStart == seconds(45))
        let kinds = plan.cues.filter { $0.frame >= step.holdStart && $0.frame < step.holdEnd }.map(\.kind)
        #expect(kinds.prefix(5) == [.chimeStart, .breathInhale, .breathHold, .breathExhale, .breathInhale])
    }

    @Test func halfwayChimeAndCountdownTicksSitAtTheirSeconds() throws {
        let (plan, _) = try timeline(SessionOptions(halfwayChime: true, countdown: 5))
        for step in plan.steps where step.pose != "cat-cow" {
            let inHold = plan.cues.filter { $0.frame > step.holdStart && $0.frame < step.holdEnd }
            #expect(inHold.filter { $0.kind == .chimeHalfway }.map(\.frame) == [step.holdStart + seconds(15)])
            #expect(inHold.filter { $0.kind == .tick }.map(\.frame) == (1...5).reversed().map { step.holdEnd - seconds(Double($0)) })
        }
    }

    @Test func cuesAreInOrderAndTheSessionEndsWithTheBell() throws {
        let (plan, _) = try timeline()
        #expect(plan.cues.map(\.frame) == plan.cues.map(\.frame).sorted())
        let bell = try #require(plan.cues.last)
        #expect(bell.kind == .bellEnd)
        #expect(plan.frames == plan.cues.map(\.end).max())
    }

    @Test func sameInputGivesTheSameTimelineAtAnyRate() throws {
        #expect(try timeline().0 == timeline().0)
        let (slow, _) = try timeline(SessionOptions(sampleRate: 44_100))
        let (fast, _) = try timeline(SessionOptions(sampleRate: 48_000))
        #expect(abs(slow.seconds(at: slow.frames) - fast.seconds(at: fast.frames)) < 0.01)
    }

    /// The whole text plan of the built-in session, against a reviewed copy.
    /// After a deliberate change, regenerate it with
    /// `STRETCHCUE_UPDATE_SNAPSHOTS=1 swift test --filter textPlanMatchesTheSnapshot`.
    @Test func textPlanMatchesTheSnapshot() throws {
        let (plan, _) = try timeline()
        let text = plan.planText(title: routine.name)
        let path = Repository.root + "/Tests/TimingTests/Snapshots/back-tension.plan.txt"
        if Snapshot.updating { try Snapshot.write(text, to: path) }
        let snapshot = try Snapshot.read(path)
        #expect(text == snapshot)
    }
}

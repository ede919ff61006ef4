import Audio
import Foundation
@testable import Playback
import Routines
import TestSupport
import Testing
import Timing

/// The spoken "where am I", from recorded words only.
@Suite struct StatusSpeechTests {
    let timeline: Timeline

    init() throws {
        let bank = try SoundBank(sampleRate: 48_000, voiceFolder: Repository.voiceFolder)
        timeline = try Timeline(
            routine: BuiltInRoutines.backTension, options: SessionOptions(rounds: 2), sounds: bank)
    }

    func words(at frame: Int64, paused: Bool = false) -> [String] {
        let status = LiveStatus(timeline: timeline, frame: frame, paused: paused, volume: 0, breathOn: true)
        return StatusSpeech.prompts(for: status).map(\.description)
    }

    @Test func inAHoldItSaysRoundPoseSideAndTimeLeft() {
        let kneePulls = timeline.steps[7]  // round 1, knee pulls, right
        #expect(
            words(at: kneePulls.holdStart + 12 * 48_000) == [
                "status.round", "number.1", "status.of", "number.2", "status.pose", "number.7", "status.of",
                "number.7", "name.knee-pulls", "status.right", "number.20", "status.seconds-left",
            ])
        #expect(words(at: kneePulls.start, paused: true).suffix(2) == ["status.right", "status.getting-ready"])
        #expect(words(at: kneePulls.start, paused: true).first == "status.paused")
        #expect(words(at: 0) == ["status.introduction"])
        #expect(words(at: timeline.frames - 1) == ["status.closing"])
        #expect(words(at: timeline.steps[0].holdStart + 1).suffix(3) == ["name.cat-cow", "number.6", "status.breaths-left"])
    }

    @Test(arguments: [(7, ["number.7"]), (25, ["number.20", "number.5"]), (75, ["number.70", "number.5"]), (100, ["number.100"]), (200, ["status.over", "number.100"])])
    func numbersAreMadeOfRecordedWords(value: Int, words: [String]) {
        #expect(StatusSpeech.prompts(forNumber: value) == words)
    }

    /// What `packs check --routine` holds a pack's language to: every word
    /// the answer says anywhere in a session, paused or not, at any length.
    @Test func itsVocabularyHoldsEveryWordItSays() {
        let vocabulary = Set(StatusSpeech.vocabulary(poses: BuiltInRoutines.backTension.poses.map(\.id)))
        var said = Set<String>()
        for frame in stride(from: Int64(0), to: timeline.frames, by: 24_000) {
            said.formUnion(words(at: frame))
            said.formUnion(words(at: frame, paused: true))
        }
        for value in [1, 45, 59, 60, 61, 95, 299, 3600, 7321] { said.formUnion(StatusSpeech.duration(seconds: value)) }
        #expect(said.subtracting(vocabulary).isEmpty, "\(said.subtracting(vocabulary).sorted())")
        #expect(vocabulary.contains("name.knee-pulls") && vocabulary.contains("status.over"))
    }

    @Test func everyWordItCanSayIsInTheVoicePack() {
        var said = Set<String>()
        for frame in stride(from: Int64(0), to: timeline.frames, by: 24_000) {
            said.formUnion(words(at: frame))
            said.formUnion(words(at: frame, paused: true))
        }
        for value in 1...101 { said.formUnion(StatusSpeech.prompts(forNumber: value)) }
        let missing = said.filter { !FileManager.default.fileExists(atPath: Repository.voiceFolder + "/\($0).wav") }
        #expect(missing.isEmpty, "\(missing.sorted())")
    }
}

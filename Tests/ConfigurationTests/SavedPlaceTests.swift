import Audio
import Foundation
import Routines
import Configuration
import TestSupport
import Testing
import Timing

/// The saved place and the history: read back as written, never torn by a
/// kill, a torn or foreign file refused with one line and never fatal.
@Suite struct SavedPlaceTests {
    let folder = Repository.temporaryFolder()

    @Test func aPlaceReadsBackAsItWasSaved() throws {
        let place = SavedPlace(
            routine: "/tmp/my \"routine\".yaml", options: SessionOptions(rounds: 2, hold: 20, pace: 0.5,
            breathing: BreathPattern(parsing: "4:2:6:1"), halfwayChime: true, countdown: 3), step: 7, round: 2,
            pose: "knee-pulls", side: .both)
        try place.save(to: folder + "/place.yaml")
        #expect(try SavedPlace.load(from: folder + "/place.yaml") == place)
    }

    @Test(arguments: [
        ("", "is empty; expected a saved place"),
        ("routine: back-tension\nstep: 3\nround: 1\n", ":1:1: a saved place needs `pose`"),
        ("routine: back-tension\nstep: -1\nround: 1\npose: cobra\n", ":2:7: step of -1 is out of range"),
        ("routine: back-tension\nstep: 3\nround: 1\npose: cobra\nside: up\n", ":5:7: side must be left, right or both"),
        ("routine: back-tension\nstep: 3\nrou", ":4:1: YAML syntax"),
        ("- a list\n", ":1:1: expected a saved place (a mapping"),
    ])
    func aBrokenPlaceIsOneLineNamingTheFile(text: String, message: String) throws {
        let path = folder + "/place.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try SavedPlace.load(from: path)
        } throws: { error in
            let line = (error as? InputError)?.description ?? ""
            return line.hasPrefix(path) && line.contains(message) && !line.contains("\n")
        }
    }

    @Test func aPlaceFitsOnlyTheTimelineItWasSavedFrom() throws {
        let bank = try SoundBank(sampleRate: 48_000, voiceFolder: Repository.voiceFolder)
        let timeline = try Timeline(routine: BuiltInRoutines.backTension, options: SessionOptions(), sounds: bank)
        let place = SavedPlace(routine: "back-tension", options: SessionOptions(), timeline: timeline, step: 7)
        #expect(place.pose == "knee-pulls" && place.side == .right)
        #expect(place.frame(on: timeline) == timeline.steps[7].start)
        var other = place
        other.pose = "cobra"
        #expect(other.frame(on: timeline) == nil)
        other.step = 99
        #expect(other.frame(on: timeline) == nil)
    }

    /// A process saving one place after another, killed at random moments
    /// 200 times: the file is always one of the two places, whole.
    @Test func aKilledSaveLeavesTheOldPlaceOrTheNewNeverAPart() throws {
        let path = folder + "/place.yaml"
        var random = SplitMix(seed: 15)
        var seen: Set<Int> = []
        for _ in 0..<200 {
            let saver = Process()
            saver.executableURL = URL(fileURLWithPath: Repository.products + "/PlaceSaver")
            saver.arguments = [path]
            try saver.run()
            usleep(UInt32(500 + random.next() % 20_000))
            kill(saver.processIdentifier, SIGKILL)
            saver.waitUntilExit()
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let place = try SavedPlace.load(from: path)
            #expect(place.step == 1 || place.step == 12)
            #expect(place.step == 1 ? place.pose == "childs-pose" : place.pose == "knee-pulls" && place.options.rounds == 3)
            seen.insert(place.step)
        }
        #expect(seen == [1, 12], "the kills should land at both places")
    }

    @Test func historyLinesAppendAndATornLastLineIsSkipped() throws {
        let path = folder + "/state/history.jsonl"
        let first = HistoryEntry(
            start: 1_764_660_000, end: 1_764_660_577, routine: "Relieving Back Tension", rounds: 1,
            completed: ["cat-cow", "cobra"], skipped: ["childs-pose"], stopped: false)
        var second = first
        second.stopped = true
        second.completed = []
        try History.append(first, to: path)
        try History.append(second, to: path)
        // A power cut in the middle of a third line.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"start":1764661000,"end":17646"#.utf8))
        try handle.close()
        let (entries, unreadable) = try History.load(from: path)
        #expect(entries == [first, second])
        #expect(unreadable == [3])
        #expect(try History.load(from: folder + "/missing.jsonl").entries.isEmpty)
    }

    @Test func aRecordCountsStepsHeardToTheirEndAndStepsSkipped() throws {
        let bank = try SoundBank(sampleRate: 48_000, voiceFolder: Repository.voiceFolder)
        let timeline = try Timeline(routine: BuiltInRoutines.backTension, options: SessionOptions(), sounds: bank)
        var record = SessionRecord(start: 100, routine: "Relieving Back Tension")
        let steps = timeline.steps
        // The first step heard through, the second skipped half way through its hold, the third stopped in.
        for frame in stride(from: Int64(0), to: steps[2].start, by: 4_800) { record.hear(frame, of: timeline) }
        record.hear(steps[2].holdStart + 48_000, of: timeline)
        // A jump: what is heard lands a little before the next step, after this one's hold.
        record.hear(steps[3].start - 2_400, of: timeline)
        record.hear(steps[3].start + 10, of: timeline)
        let entry = record.entry(end: 400, timeline: timeline, stopped: true)
        #expect(entry.completed == [steps[0].pose, steps[1].pose])
        #expect(entry.skipped == [steps[2].pose])
        #expect(entry.stopped && entry.rounds == 1 && entry.start == 100 && entry.end == 400)
    }
}

import Configuration
import Foundation
import InMemoryLogging
import Logging
import Playback
import Routines
import Service
import TestSupport
import Testing
import Timing

/// The box's state machine, in-process with fakes: what each request and
/// each thing a device does makes of it, and what it tells its observers.
@Suite final class SessionSupervisorTests {
    let journal = Journal()
    let devices: FakeDevices
    let sessions = FakeSessions()
    let events = RecordedEvents()
    let clock = HandClock()
    let logs = InMemoryLogHandler()
    let folder = Repository.temporaryFolder("stretchcue-supervisor")
    let supervisor: SessionSupervisor

    init() {
        devices = FakeDevices(journal: journal)
        supervisor = Self.supervisor(devices: devices, sessions: sessions, folder: folder, clock: clock, logs: logs)
        supervisor.add(events)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    static func supervisor(
        devices: FakeDevices, sessions: FakeSessions, folder: String, clock: HandClock, logs: InMemoryLogHandler,
        volume: Double = 0
    ) -> SessionSupervisor {
        var settings = Settings(environment: [:])
        settings.routine = "short"
        settings.device = "hw:9"
        settings.stateFolder = folder
        settings.volume = volume
        return SessionSupervisor(
            settings: settings, sessions: sessions, devices: devices, logger: Logger(label: "test") { _ in logs },
            now: { clock.now })
    }

    /// Log lines that contain `text`.
    func logged(_ text: String) -> Int { logs.entries.filter { $0.message.description.contains(text) }.count }

    /// Starts the configured routine and has its device open.
    @discardableResult
    func startPlaying() throws -> FakePlayer {
        try supervisor.perform(.start(routine: nil, resume: false))
        let player = try #require(devices.sessions.last).opens()
        supervisor.follow()
        return player
    }

    @Test func aStartPlaysOnceTheDeviceIsOpen() throws {
        try supervisor.perform(.start(routine: nil, resume: false))
        #expect(sessions.asked.map(\.routine) == ["short"])
        let run = try #require(devices.sessions.first)
        #expect(run.start == .start && run.volume == 0)
        // The thread is opening the device: nothing plays yet.
        #expect(supervisor.status.state == .waiting && supervisor.status.routine == "Short")
        #expect(supervisor.wakeUps.count == 1)

        let player = try run.opens()
        supervisor.follow()
        #expect(supervisor.status.state == .playing)
        #expect(supervisor.status.session?.frame == 0)
        #expect(player.earconsMade)
        #expect(events.sessionEvents == [.started])
        #expect(events.events.map(\.status.state).last == .playing)
        #expect(supervisor.untilNextTurn == .milliseconds(100))
        #expect(throws: ControlError("a session is on already; expected `stop` first")) {
            try supervisor.perform(.start(routine: nil, resume: false))
        }
    }

    @Test func pauseAndResumeAreRefusedWhenTheyChangeNothing() throws {
        let player = try startPlaying()
        try supervisor.perform(.pause)
        #expect(supervisor.status.state == .paused)
        #expect(throws: ControlError("already paused")) { try supervisor.perform(.pause) }
        try supervisor.perform(.resume)
        #expect(supervisor.status.state == .playing)
        #expect(throws: ControlError("not paused")) { try supervisor.perform(.resume) }
        try supervisor.perform(.toggle)
        try supervisor.perform(.edit(.next))
        try supervisor.perform(.whereAmI)
        #expect(player.requests == [.pause, .resume, .toggle, .edit(.next), .whereAmI])
        supervisor.follow()
        // Told once a turn of the loop, not at every request.
        #expect(events.events.filter { $0.event == .statusChanged }.map(\.status.state) == [.playing, .paused])
    }

    @Test func aSessionThatEndsLeavesItsHistoryAndKeepsItsVolume() throws {
        let player = try startPlaying()
        // One request, one earcon, however far it goes.
        try supervisor.perform(.volume(-4))
        #expect(player.requests == [.volume(-4)])
        player.reach(step: 1)
        supervisor.follow()
        #expect(events.sessionEvents == [.started, .newStep])
        try supervisor.perform(.stop)
        let run = try #require(devices.sessions.first)
        #expect(run.stopAsked)
        run.ends(stopped: true)
        supervisor.follow()
        #expect(run.joined)
        #expect(supervisor.status == ServiceStatus(state: .idle, device: "hw:9", volume: -4))
        #expect(events.sessionEvents == [.started, .newStep, .ended(routine: "Short", stopped: true)])
        let history = try String(contentsOfFile: folder + "/history.jsonl", encoding: .utf8)
        #expect(history.contains(#""routine":"Short""#) && history.contains(#""stopped":true"#), "\(history)")
        #expect(FileManager.default.fileExists(atPath: folder + "/place.yaml"))
        #expect(throws: ControlError("nothing is playing")) { try supervisor.perform(.stop) }
        // The next session starts at the volume this one ended at.
        try supervisor.perform(.start(routine: nil, resume: false))
        #expect(devices.sessions.last?.volume == -4)
    }

    /// The devices hear when nothing plays or is said (a box kept awake
    /// then plays its tone) and when the box goes down; never while a
    /// session waits for its device or plays, nor while an announcement plays.
    @Test func theDevicesAreToldWhenTheBoxIsIdle() throws {
        // At once when the box is up ("ready" is said on the answers' device):
        // its loop may sleep until the first request.
        supervisor.sayReady()
        #expect(devices.idles == 1)
        supervisor.follow()
        #expect(devices.idles == 2)
        try supervisor.perform(.start(routine: nil, resume: false))
        supervisor.follow()
        let run = try #require(devices.sessions.first)
        _ = try run.opens()
        supervisor.follow()
        #expect(devices.idles == 2)
        try supervisor.perform(.stop)
        run.ends(stopped: true)
        supervisor.follow()
        #expect(devices.idles == 3)
        supervisor.stopForGood()
        #expect(devices.quiets == 1)
        supervisor.follow()
        #expect(devices.idles == 3, "not once the box is going down")
    }

    @Test func aMissingDeviceIsWaitedForAndTriedAgain() throws {
        try supervisor.perform(.start(routine: nil, resume: false))
        devices.sessions[0].findsNoDevice()
        supervisor.follow()
        #expect(devices.sessions[0].joined)
        #expect(supervisor.status.state == .waiting && supervisor.status.session == nil)
        #expect(supervisor.untilNextTurn == SessionSupervisor.retryInterval)
        #expect(logged("waiting for the sound device: ") == 1)
        let waiting = logs.entries.first { $0.message.description.hasPrefix("waiting for the sound device") }
        #expect(waiting?.metadata["routine"] == "short", "the journal can tell which session waits")

        clock.advance(by: .milliseconds(1500))
        supervisor.follow()
        #expect(devices.sessions.count == 1, "tried again before its time")
        #expect(supervisor.untilNextTurn == .milliseconds(500))
        clock.advance(by: .milliseconds(500))
        supervisor.follow()
        #expect(devices.sessions.count == 2)
        devices.sessions[1].findsNoDevice()
        supervisor.follow()
        // A card plugged in: tried at once, not when the interval is up.
        supervisor.devicesChanged()
        #expect(devices.changes == 1 && devices.sessions.count == 3)
        // Said once, however often it is tried.
        #expect(logged("waiting for the sound device") == 1)

        try devices.sessions[2].opens()
        supervisor.follow()
        #expect(supervisor.status.state == .playing)
        #expect(devices.sessions.map(\.start) == [.start, .start, .start])
    }

    @Test func aDeviceLostWhilePlayingIsToldOnceAndComesBack() throws {
        let player = try startPlaying()
        player.isWaitingForDevice = true
        supervisor.follow()
        #expect(supervisor.status.state == .waiting && supervisor.status.routine == "Short")
        supervisor.follow()
        supervisor.follow()
        #expect(events.sessionEvents == [.started, .deviceLost])
        #expect(events.events.first { $0.event == .deviceLost }?.status.state == .waiting)
        player.isWaitingForDevice = false
        supervisor.follow()
        #expect(supervisor.status.state == .playing)
        // The session's thread waits for the device itself: no session is started again.
        #expect(devices.sessions.count == 1)
    }

    @Test func requestsWhileWaitingForTheDevice() throws {
        try supervisor.perform(.start(routine: nil, resume: false))
        devices.sessions[0].findsNoDevice()
        supervisor.follow()
        #expect(throws: ControlError("nothing is playing; expected `start` first")) { try supervisor.perform(.edit(.next)) }
        #expect(throws: ControlError("a session is on already; expected `stop` first")) {
            try supervisor.perform(.start(routine: nil, resume: false))
        }
        // The volume the session will start at, answered on the answers' own device.
        try supervisor.perform(.volume(-6))
        #expect(supervisor.status.volume == -6)
        #expect(devices.answered.map(\.earcon) == [.volume])
        clock.advance(by: SessionSupervisor.retryInterval)
        supervisor.follow()
        #expect(devices.sessions.count == 2 && devices.sessions[1].volume == -6)

        devices.sessions[1].findsNoDevice()
        supervisor.follow()
        try supervisor.perform(.stop)
        #expect(supervisor.status.state == .idle)
        clock.advance(by: SessionSupervisor.retryInterval * 3)
        supervisor.follow()
        supervisor.devicesChanged()
        #expect(devices.sessions.count == 2, "a stopped wait tries the device again")
        #expect(supervisor.untilNextTurn == nil)
    }

    @Test func aStartDuringTheReadyAnnouncementCutsItShort() throws {
        devices.answersApart = false
        supervisor.sayReady()
        let announcement = try #require(devices.announcements.first)
        #expect(supervisor.wakeUps.count == 1)
        try supervisor.perform(.start(routine: nil, resume: false))
        #expect(announcement.stopAsked && announcement.joined)
        #expect(journal.lines == ["announce status.ready", "stop announcement", "join announcement", "play session"])
    }

    @Test func stoppingForGoodDuringAnAnnouncementEndsWhenItIsDone() throws {
        devices.answersApart = false
        supervisor.sayReady()
        #expect(!supervisor.isFinished)
        supervisor.stopForGood()
        #expect(devices.announcements[0].stopAsked && devices.announcements[0].joined)
        #expect(supervisor.isFinished)
        #expect(throws: ControlError("the service is stopping")) { try supervisor.perform(.start(routine: nil, resume: false)) }
        #expect(devices.sessions.isEmpty)
    }

    @Test func stoppingForGoodFadesTheSessionOutFirst() throws {
        try startPlaying()
        supervisor.stopForGood()
        let run = devices.sessions[0]
        #expect(run.stopAsked && !supervisor.isFinished)
        supervisor.follow()
        #expect(!supervisor.isFinished, "finished before the session's thread ended")
        run.ends(stopped: true)
        supervisor.follow()
        #expect(supervisor.isFinished)
    }

    @Test func readyIsSaidOnceTheDeviceThatWasMissingComesBack() throws {
        devices.answersApart = false
        supervisor.sayReady()
        devices.announcements[0].findsNoDevice()
        supervisor.follow()
        #expect(supervisor.wakeUps.isEmpty)
        supervisor.devicesChanged()
        #expect(devices.announcements.count == 2)
        try devices.announcements[1].opens()
        devices.announcements[1].ends(stopped: false)
        supervisor.follow()
        supervisor.devicesChanged()
        #expect(devices.announcements.count == 2, "ready said twice")
    }

    @Test func aResumeStartsFromTheSavedStep() throws {
        let timeline = try LaidOutSource(ShortRoutine.routine).timeline(rate: 48_000, edits: SessionEdits())
        var options = SessionOptions()
        options.rounds = 2
        try SavedPlace(routine: "short", options: options, timeline: timeline, step: 2).save(to: folder + "/place.yaml")
        try supervisor.perform(.start(routine: nil, resume: true))
        #expect(devices.sessions.last?.start == .step(2))
        #expect(sessions.asked.last?.options == options, "the saved place's options")
        let player = try devices.sessions[0].opens()
        supervisor.follow()
        #expect(player.status.stepNumber == 3)
        #expect(supervisor.status.session?.step?.side == .right)
    }

    @Test func aResumeOfAnotherRoutineOrAPlaceThatNoLongerFitsStartsFromTheTop() throws {
        try SavedPlace(routine: "short", options: SessionOptions(), step: 9, round: 1, pose: "gone", side: nil)
            .save(to: folder + "/place.yaml")
        try supervisor.perform(.start(routine: nil, resume: true))
        #expect(devices.sessions.last?.start == .start)
        #expect(logged("the saved place does not fit the routine any more") == 1)
        try supervisor.perform(.stop)
        devices.sessions[0].ends(stopped: true)
        supervisor.follow()

        try SavedPlace(routine: "other", options: SessionOptions(), step: 0, round: 1, pose: "one", side: nil)
            .save(to: folder + "/place.yaml")
        try supervisor.perform(.start(routine: "short", resume: true))
        #expect(devices.sessions.last?.start == .start)
        #expect(logged("the saved place is in 'other', not 'short'") == 1)
    }

    /// `start --length`: the length goes to the session's making, the place
    /// is saved with the rounds and holds fitted, and a resume plays those
    /// again without fitting anew.
    @Test func aLengthAskedIsFittedAndAResumeKeepsWhatWasFitted() throws {
        try supervisor.perform(.start(routine: nil, resume: false, length: 900))
        #expect(sessions.asked.last?.length == 900)
        let player = try devices.sessions[0].opens()
        player.reach(step: 1)
        supervisor.follow()
        let place = try SavedPlace.load(from: folder + "/place.yaml")
        #expect(place.options.rounds == 2 && place.options.hold == 17, "\(place.options)")
        try supervisor.perform(.stop)
        devices.sessions[0].ends(stopped: true)
        supervisor.follow()

        try supervisor.perform(.start(routine: nil, resume: true))
        #expect(sessions.asked.last?.length == nil)
        #expect(sessions.asked.last?.options.rounds == 2 && sessions.asked.last?.options.hold == 17)
    }

    @Test func aRoutineThatCannotBePlayedIsRefusedWithItsPlaceOnly() throws {
        #expect(throws: ControlError("broken.yaml:3:7: cannot be played; the box's log says why")) {
            try supervisor.perform(.start(routine: "broken.yaml", resume: false))
        }
        #expect(logged("expected a pose") == 1)
        #expect(supervisor.status.state == .idle && devices.sessions.isEmpty)
    }

    @Test func idleVolumeMovesWithinItsRangeAndIsAnswered() throws {
        for _ in 0..<3 { try supervisor.perform(.volume(4)) }
        #expect(supervisor.status.volume == PlayerControl.volumeRange.upperBound)
        #expect(devices.answered.map(\.earcon) == [.volume, .volume, .refused])
        #expect(devices.answered.map(\.volume) == [4, 6, 6])
        supervisor.follow()
        #expect(events.events.last?.status.volume == 6)
    }

    @Test func idleVolumeMovesTheCardsOwnControl() throws {
        let card = FakeCard(decibels: -20)
        let devices = FakeDevices(journal: journal, card: card)
        let supervisor = Self.supervisor(devices: devices, sessions: sessions, folder: folder, clock: clock, logs: logs)
        try supervisor.perform(.volume(-2))
        #expect(card.decibels == -22)
        #expect(supervisor.status.volume == -22)
        #expect(devices.answered.map(\.earcon) == [.volume])
    }

    @Test func nothingIsAnsweredWhereTheAnswersHaveNoDeviceOfTheirOwn() throws {
        devices.answersApart = false
        try supervisor.perform(.volume(-2))
        #expect(supervisor.status.volume == -2)
        #expect(devices.answered.isEmpty)
    }
}

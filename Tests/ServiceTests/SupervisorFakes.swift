import Audio
import Output
@testable import Playback
import Routines
import Service
import SystemCalls
import Timing

// Stand-ins for what the session supervisor drives, so its tests build it
// in-process and play nothing: each records what was asked of it, and the
// test says what the device and the session do. Used on the test's one
// thread only (hence `@unchecked Sendable`).

/// A short routine: two poses, the second on both sides.
enum ShortRoutine {
    static let routine = Routine(
        name: "Short", hold: 3, settle: 0.5, rest: 0.5, breathing: BreathPattern(inhale: 1.5, exhale: 1.5),
        poses: [
            Pose(id: "one", name: "One", prompt: .voice("side.left")),
            Pose(id: "two", name: "Two", prompt: .voice("side.right"), sides: [.left, .right]),
        ])
}

/// Every sound a second long: enough for the timing engine, with no sound read.
struct SecondLongSounds: SoundLengths {
    func frames(of prompt: PromptRef) throws -> Int64 { 48_000 }
    func frames(of kind: CueKind) -> Int64 { 48_000 }
}

/// A session that is laid out but never mixed.
final class LaidOutSource: SessionSource {
    let routine: Routine

    init(_ routine: Routine) { self.routine = routine }

    var pace: Double { 1 }

    func timeline(rate: Int, edits: SessionEdits) throws -> Timeline {
        try Timeline(routine: routine, options: SessionOptions(sampleRate: rate), sounds: SecondLongSounds(), edits: edits)
    }

    func mixer(for timeline: Timeline, channels: Int) throws -> Mixer {
        throw InputError(file: routine.name, message: "a laid-out source is never mixed")
    }

    func speech(_ prompts: [PromptRef], rate: Int) -> Sound { .silence }
}

/// Makes sessions of `ShortRoutine` under the name `short`; any other name is a routine that cannot be read.
final class FakeSessions: SessionMaker {
    private(set) var asked: [(routine: String, options: SessionOptions, length: Double?)] = []

    /// A length is "fitted" as two rounds of 17 s holds, whatever it is.
    func session(routine: String, options: SessionOptions, length: Double?) throws
        -> (source: any SessionSource, name: String, options: SessionOptions)
    {
        asked.append((routine, options, length))
        guard routine == "short" else { throw InputError(file: routine, line: 3, column: 7, message: "expected a pose") }
        var fitted = options
        if length != nil { (fitted.rounds, fitted.hold) = (2, 17) }
        return (LaidOutSource(ShortRoutine.routine), ShortRoutine.routine.name, fitted)
    }
}

/// What happened, in order, across the fakes: "play", "announce status.ready", "stop", "join".
final class Journal: @unchecked Sendable {
    private(set) var lines: [String] = []
    func note(_ line: String) { lines.append(line) }
}

/// The controls of a session that plays only in the test's mind.
final class FakePlayer: SessionPlayer, @unchecked Sendable {
    let timeline: Timeline
    var frame: Int64
    var paused = false
    var volume: Double
    var isWaitingForDevice = false
    private(set) var requests: [Request] = []
    private(set) var earconsMade = false

    init(timeline: Timeline, from start: ResumePoint, volume: Double) {
        self.timeline = timeline
        frame = timeline.frame(of: start)
        self.volume = volume
    }

    func perform(_ request: Request) {
        requests.append(request)
        switch request {
        case .pause: paused = true
        case .resume: paused = false
        case .toggle: paused.toggle()
        case .volume(let decibels):
            let changed = volume + PlayerControl.volumeChange(decibels)
            volume = min(max(changed, PlayerControl.volumeRange.lowerBound), PlayerControl.volumeRange.upperBound)
        default: break
        }
    }

    var status: LiveStatus { LiveStatus(timeline: timeline, frame: frame, paused: paused, volume: volume, breathOn: true) }

    var longestKeyLatency: Int { 0 }

    func makeEarcons() { earconsMade = true }

    /// Moves the listener to the start of step `index`.
    func reach(step index: Int) { frame = timeline.steps[index].start }
}

/// A session's thread: it opens the device and plays when the test says so.
final class FakeRun: RunningSession, @unchecked Sendable {
    let changed = WakeUp()
    let name: String
    let source: any SessionSource
    let start: ResumePoint
    let volume: Double
    private let journal: Journal
    private var fakePlayer: FakePlayer?
    private(set) var outcome: SessionThread.Outcome?
    private(set) var stopAsked = false
    private(set) var joined = false

    init(name: String, source: any SessionSource, start: ResumePoint, volume: Double, journal: Journal) {
        self.name = name
        self.source = source
        self.start = start
        self.volume = volume
        self.journal = journal
    }

    var player: (any SessionPlayer)? { fakePlayer }

    func stop() {
        stopAsked = true
        journal.note("stop \(name)")
    }

    func join() {
        joined = true
        journal.note("join \(name)")
    }

    /// The device opened and the session plays.
    @discardableResult
    func opens() throws -> FakePlayer {
        let player = FakePlayer(timeline: try source.timeline(rate: 48_000, edits: SessionEdits()), from: start, volume: volume)
        fakePlayer = player
        changed.signal()
        return player
    }

    /// The device is not there.
    func findsNoDevice() {
        outcome = .noDevice(DeviceError(device: "hw:9", function: "snd_pcm_open", code: 2, text: "No such file or directory"))
        changed.signal()
    }

    /// The session ended: `stopped`, or played to its end.
    func ends(stopped: Bool) {
        let frames = fakePlayer?.timeline.frames ?? 0
        outcome = .played(
            PlaybackSummary(
                playedFrames: fakePlayer?.frame ?? 0, sessionFrames: frames, sampleRate: 48_000, underruns: 0, stalls: 0,
                suspends: 0, reopens: 0, missedSounds: 0, stopped: stopped))
        changed.signal()
    }
}

/// A card's volume control in dB, in steps of `step`.
final class FakeCard: CardVolume {
    private(set) var decibels: Double

    init(decibels: Double) { self.decibels = decibels }

    func move(by step: Double, within limits: ClosedRange<Double>) throws(DeviceError) -> Bool {
        let moved = min(max(decibels + step, limits.lowerBound), limits.upperBound)
        defer { decibels = moved }
        return moved != decibels
    }
}

/// The box's sound devices: with `answersApart`, answers and announcements
/// are said on a device of their own at once; without, an announcement is a
/// session of its own on the session's device.
final class FakeDevices: SoundDevices {
    let journal: Journal
    var answersApart: Bool
    var card: FakeCard?
    private(set) var sessions: [FakeRun] = []
    private(set) var announcements: [FakeRun] = []
    /// Prompts said and earcons answered on the answers' own device, with their volume.
    private(set) var said: [(prompt: PromptRef, volume: Double)] = []
    private(set) var answered: [(earcon: Earcon, volume: Double)] = []
    private(set) var changes = 0

    init(journal: Journal, answersApart: Bool = true, card: FakeCard? = nil) {
        self.journal = journal
        self.answersApart = answersApart
        self.card = card
    }

    func play(_ source: any SessionSource, from start: ResumePoint, volume: Double) -> any RunningSession {
        journal.note("play session")
        let run = FakeRun(name: "session", source: source, start: start, volume: volume, journal: journal)
        sessions.append(run)
        return run
    }

    func announce(_ prompt: PromptRef, volume: Double) -> Announcement? {
        journal.note("announce \(prompt)")
        guard !answersApart else {
            said.append((prompt, volume))
            return .said
        }
        let run = FakeRun(
            name: "announcement", source: LaidOutSource(ShortRoutine.routine), start: .start, volume: volume, journal: journal)
        announcements.append(run)
        return .playing(run)
    }

    func answer(_ earcon: Earcon, volume: Double) {
        if answersApart { answered.append((earcon, volume)) }
    }

    func cardVolume() -> (any CardVolume)? { card }

    func devicesChanged() { changes += 1 }

    /// Turns of the loop told that nothing plays, and times told to let go of the device.
    private(set) var idles = 0
    private(set) var quiets = 0
    func idle() { idles += 1 }
    func quiet() { quiets += 1 }
}

/// Everything the supervisor told its observers, in order.
final class RecordedEvents: StatusObserver {
    private(set) var events: [(event: SupervisorEvent, status: ServiceStatus)] = []

    /// The events other than status changes.
    var sessionEvents: [SupervisorEvent] { events.map(\.event).filter { $0 != .statusChanged } }

    func observe(_ event: SupervisorEvent, status: ServiceStatus) { events.append((event, status)) }
}

/// A clock the test moves by hand.
final class HandClock {
    var now = ContinuousClock.now
    func advance(by duration: Duration) { now += duration }
}

import Audio
import Configuration
import Logging
import Output
import Playback
import Routines
import SystemCalls
import Timing

/// The box's sessions, one at a time: a state machine (idle, waiting for
/// the device, playing, paused; spoken announcements while idle) driven by
/// requests and by what the sound devices do.
///
/// It makes the session asked for (from the start, or from the saved
/// place), plays it, waits for a device that is not there and tries it
/// again, keeps the volume from one session to the next, answers requests
/// while idle, and tells its observers (`StatusObserver`) of what happens.
/// Everything it does to the world goes through `SessionMaker` and
/// `SoundDevices`; it runs on one thread, the daemon's, which calls
/// `follow` every turn of its loop and after every `wakeUps` signal.
public final class SessionSupervisor {
    /// How often a missing device is tried again, besides whenever the sound devices change.
    public static let retryInterval = Duration.seconds(2)

    private let settings: Settings
    private let sessions: any SessionMaker
    private let devices: any SoundDevices
    private let logger: Logger
    private let now: () -> ContinuousClock.Instant
    private var observers: [any StatusObserver] = []

    /// What the box is doing.
    private enum Phase {
        case idle
        /// A session asked for; the device is not there yet.
        case waiting(Pending)
        case playing(Playing)
    }

    /// A session ready to play, and where to start it.
    private struct Pending {
        var source: any SessionSource
        var name: String
        var routine: String
        var options: SessionOptions
        var start: ResumePoint
        /// Whether the device was found missing already (said once in the log).
        var waited = false

        /// The supervisor's logger, its lines tagged with the session's routine.
        func logger(_ logger: Logger) -> Logger {
            var logger = logger
            logger[metadataKey: "routine"] = "\(routine)"
            return logger
        }
    }

    private struct Playing {
        var pending: Pending
        var run: any RunningSession
        var keeper: SessionKeeper
        var announced = false
    }

    private var phase = Phase.idle
    /// A spoken word playing on the session's device while idle ("ready").
    private var announcement: (any RunningSession)?
    private var lastAnnounced = ""
    /// Whether "ready" was heard: not while the device was missing.
    private var readySaid = false
    /// The volume in dB, kept from one session to the next.
    private var volume: Double
    /// When the device was last tried, while a session waits for it.
    private var lastTry: ContinuousClock.Instant
    private var lastStatus: ServiceStatus?
    private var stopping = false

    /// - Parameter now: the clock that says when to try a missing device again.
    public init(
        settings: Settings, sessions: any SessionMaker, devices: any SoundDevices, logger: Logger,
        now: @escaping () -> ContinuousClock.Instant = { .now }
    ) {
        self.settings = settings
        self.sessions = sessions
        self.devices = devices
        self.logger = logger
        self.now = now
        volume = settings.live.volume
        lastTry = now()
    }

    /// Tells `observer` of every event from now on, after those added before it.
    public func add(_ observer: any StatusObserver) { observers.append(observer) }

    // MARK: What the daemon's loop tells it

    /// The box is up: it says it is ready.
    public func sayReady() {
        announce("status.ready")
        // The loop may sleep from now until a request: an idle device is told now.
        tellIfIdle()
    }

    /// The sound devices changed: a session waiting for its device tries
    /// it now; an idle box that could not say it was ready says it now.
    public func devicesChanged() {
        devices.devicesChanged()
        switch phase {
        case .waiting: tryToPlay()
        case .idle where !readySaid: announce("status.ready")
        default: break
        }
    }

    /// Takes in what the sessions' threads did (a session began playing,
    /// ended, lost its device, reached a step), tries a missing device
    /// again when it is time, and tells the observers of a change.
    public func follow() {
        followSessions()
        if case .waiting = phase, untilRetry == .zero { tryToPlay() }
        tellIfIdle()
        publishStatus()
    }

    /// Ends whatever plays (it fades out) or waits, and takes no more
    /// requests: the box is going down. `isFinished` says when it is done.
    public func stopForGood() {
        stopping = true
        devices.quiet()
        stopAnnouncement()
        switch phase {
        case .idle: break
        case .waiting: phase = .idle
        case .playing(let playing): playing.run.stop()
        }
    }

    /// Whether `stopForGood` was called and nothing plays any more.
    public var isFinished: Bool {
        guard stopping, case .idle = phase else { return false }
        return announcement == nil
    }

    /// Signalled when a session's thread has news for `follow`.
    public var wakeUps: [WakeUp] {
        var runs: [any RunningSession] = []
        if case .playing(let playing) = phase { runs.append(playing.run) }
        if let announcement { runs.append(announcement) }
        return runs.map(\.changed)
    }

    /// How long the loop may wait before calling `follow` again with no
    /// wake-up: a session playing is looked at ten times a second, a
    /// missing device is tried again when due; `nil`: until something happens.
    public var untilNextTurn: Duration? {
        switch phase {
        case .idle: nil
        case .waiting: untilRetry
        case .playing: .milliseconds(100)
        }
    }

    private var untilRetry: Duration { max(.zero, Self.retryInterval - (now() - lastTry)) }

    // MARK: Requests

    /// Carries out `request`, or throws why it cannot be. `status` and
    /// `watch` change nothing: the router answers them.
    public func perform(_ request: Request) throws(ControlError) {
        guard !stopping else { throw ControlError("the service is stopping") }
        switch request {
        case .start(let routine, let resume, let length, let choices):
            try start(routine: routine, resume: resume, length: length, choices: choices)
        case .stop:
            switch phase {
            case .idle: throw ControlError("nothing is playing")
            case .waiting: phase = .idle
            case .playing(let playing): playing.run.stop()
            }
        case .volume(let decibels):
            try changeVolume(by: decibels)
        case .status, .watch, .history:
            break
        case .pause, .resume, .toggle, .edit, .toggleBreath, .whereAmI, .acknowledge, .unknown:
            guard case .playing(let playing) = phase, let player = playing.run.player else {
                throw ControlError("nothing is playing; expected `start` first")
            }
            let paused = player.status.paused
            if request == .pause && paused { throw ControlError("already paused") }
            if request == .resume && !paused { throw ControlError("not paused") }
            player.perform(request)
        }
    }

    /// Says that nothing plays, for a button refused while idle (a box has no screen to show why).
    func sayNothingPlays() {
        if case .idle = phase { announce("status.not-playing") }
    }

    /// Moves the volume by `decibels`: the session's while one plays, else
    /// the card's own control if there is one, else the volume the next
    /// session starts at; answered with one earcon.
    private func changeVolume(by decibels: Int) throws(ControlError) {
        if case .playing(let playing) = phase, let player = playing.run.player {
            player.perform(.volume(decibels))
            volume = player.status.volume
        } else if let card = devices.cardVolume() {
            // Idle with the card's own control: it is the volume, and it keeps it.
            let moved: Bool
            do {
                moved = try card.move(by: PlayerControl.volumeChange(decibels), within: PlayerControl.volumeRange)
            } catch {
                throw ControlError("cannot set the volume: \(error)")
            }
            volume = card.decibels
            answerWhileIdle(moved ? .volume : .refused)
        } else {
            let changed = volume + PlayerControl.volumeChange(decibels)
            let before = volume
            volume = min(max(changed, PlayerControl.volumeRange.lowerBound), PlayerControl.volumeRange.upperBound)
            answerWhileIdle(volume != before ? .volume : .refused)
        }
    }

    // MARK: Sessions

    /// Makes the session asked for ready and plays it, or waits for the device.
    private func start(routine asked: String?, resume: Bool, length: Double?, choices: StartChoices) throws(ControlError) {
        guard case .idle = phase else { throw ControlError("a session is on already; expected `stop` first") }
        var routine = asked ?? settings.routine
        var options = choices.applied(to: settings.options)
        var length = length ?? settings.length
        var start = ResumePoint.start
        var saved: SavedPlace?
        if resume {
            do {
                let place = try SavedPlace.load(from: settings.placePath)
                if asked == nil || asked == place.routine {
                    saved = place
                    routine = place.routine
                    // As fitted when it began: no length to fit again.
                    options = place.options
                    length = nil
                } else {
                    logger.warning("the saved place is in '\(place.routine)', not '\(routine)'; starting from the beginning")
                }
            } catch {
                logger.warning("\(error); starting from the beginning")
            }
        }
        let made: (source: any SessionSource, name: String, options: SessionOptions)
        do {
            made = try sessions.session(routine: routine, options: options, length: length)
        } catch {
            // The whole of it in the log; to the asker only where, never what the file holds.
            logger.error("cannot play \(routine): \(error)")
            let place = (error as? InputError)?.place ?? routine.escapingControlCharacters
            throw ControlError("\(place): cannot be played; the box's log says why")
        }
        if let saved {
            // Steps are the same at any rate: check the place on the session laid out at 48 kHz.
            if let timeline = try? made.source.timeline(rate: 48_000, edits: SessionEdits()), saved.frame(on: timeline) != nil {
                start = .step(saved.step)
            } else {
                logger.warning("the saved place does not fit the routine any more; starting from the beginning")
            }
        }
        stopAnnouncement()
        phase = .waiting(Pending(source: made.source, name: made.name, routine: routine, options: made.options, start: start))
        tryToPlay()
    }

    /// Plays the waiting session: its thread opens the device, and if the
    /// device is not there, the session waits again (`followSessions`).
    private func tryToPlay() {
        guard case .waiting(let pending) = phase else { return }
        lastTry = now()
        let run = devices.play(pending.source, from: pending.start, volume: volume)
        let keeper = SessionKeeper(
            routine: pending.routine, name: pending.name, options: pending.options, placePath: settings.placePath,
            historyPath: settings.historyPath, logger: pending.logger(logger))
        phase = .playing(Playing(pending: pending, run: run, keeper: keeper))
    }

    /// Takes in what the session threads did: the session began playing,
    /// ended, or could not open the device.
    private func followSessions() {
        if let announcement, let outcome = announcement.outcome {
            announcement.join()
            self.announcement = nil
            if case .played = outcome, lastAnnounced == "status.ready" { readySaid = true }
        }
        guard case .playing(var playing) = phase else { return }
        if let outcome = playing.run.outcome {
            playing.run.join()
            switch outcome {
            case .noDevice(let error):
                if stopping {
                    phase = .idle
                } else {
                    if !playing.pending.waited { playing.pending.logger(logger).notice("waiting for the sound device: \(error)") }
                    var pending = playing.pending
                    pending.waited = true
                    phase = .waiting(pending)
                }
            case .failed(let reason):
                playing.pending.logger(logger).error("the session stopped: \(reason)")
                end(playing, stopped: true)
            case .played(let summary):
                let latency = playing.run.player.map { $0.longestKeyLatency * 1000 / max(1, $0.status.sampleRate) }
                playing.pending.logger(logger).notice("session \(summary.line); longest command to earcon: \(latency ?? 0) ms")
                end(playing, stopped: summary.stopped)
            }
            return
        }
        guard let player = playing.run.player else { return }
        if !playing.announced {
            playing.announced = true
            phase = .playing(playing)
            player.makeEarcons()
            tell(.started)
        }
        if playing.keeper.follow(player) { tell(.newStep) }
        let status = player.status
        if player.isWaitingForDevice, !status.paused, lastStatus?.state != .waiting { tell(.deviceLost) }
        volume = status.volume
    }

    /// Ends a session: its history line and saved place (`SessionKeeper`), its event.
    private func end(_ playing: Playing, stopped: Bool) {
        if let player = playing.run.player {
            playing.keeper.finish(player, stopped: stopped)
            volume = player.status.volume
        }
        phase = .idle
        tell(.ended(routine: playing.pending.name, stopped: stopped))
    }

    // MARK: Answers while idle

    /// Tells the devices when nothing plays or is said on the session's
    /// device (a box kept awake then plays its tone there).
    private func tellIfIdle() {
        if case .idle = phase, announcement == nil, !stopping { devices.idle() }
    }

    /// Answers a request with its earcon while nothing plays, as a session
    /// would, at the volume the next session plays at.
    private func answerWhileIdle(_ earcon: Earcon) {
        guard !stopping else { return }
        devices.answer(earcon, volume: volume)
    }

    /// Says a prompt from the voice pack while nothing plays.
    private func announce(_ id: String) {
        guard case .idle = phase, announcement == nil, !stopping else { return }
        switch devices.announce(.voice(id), volume: volume) {
        case nil:
            break
        case .said:
            if id == "status.ready" { readySaid = true }
        case .playing(let run):
            announcement = run
            lastAnnounced = id
        }
    }

    private func stopAnnouncement() {
        guard let announcement else { return }
        announcement.stop()
        announcement.join()
        self.announcement = nil
    }

    // MARK: Status

    /// What the box is doing now.
    public var status: ServiceStatus {
        switch phase {
        case .idle:
            return ServiceStatus(state: .idle, device: settings.device, volume: volume)
        case .waiting(let pending):
            return ServiceStatus(state: .waiting, routine: pending.name, device: settings.device, volume: volume)
        case .playing(let playing):
            guard let player = playing.run.player else {
                return ServiceStatus(state: .waiting, routine: playing.pending.name, device: settings.device, volume: volume)
            }
            let session = player.status
            let state: ServiceStatus.State =
                player.isWaitingForDevice ? .waiting : session.paused ? .paused : .playing
            return ServiceStatus(
                state: state, routine: playing.pending.name, device: settings.device, volume: session.volume, session: session)
        }
    }

    /// Tells the observers of a change a listener would notice since the last.
    func publishStatus() {
        let now = status
        if let lastStatus, !now.differsNoticeably(from: lastStatus) { return }
        lastStatus = now
        tell(.statusChanged, status: now)
    }

    /// Tells the observers of `event`, with the status after it.
    private func tell(_ event: SupervisorEvent, status: ServiceStatus? = nil) {
        let now = status ?? self.status
        for observer in observers { observer.observe(event, status: now) }
    }
}

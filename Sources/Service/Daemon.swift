import Audio
import CLinux
import Glibc
import Logging
import Output
import Playback
import Routines
import SystemCalls
import Timing

/// The headless box (`stretchcue serve`): idle until told to start, then it
/// plays a session like `play`, then it is idle again. It listens all the
/// while on the control socket and to the buttons, waits for a sound
/// device that is not there (at boot, or unplugged) instead of giving up,
/// saves where each session is at every step so it can go on after a power
/// cut, keeps a history, runs the configured hooks, and tells systemd how
/// it is doing.
///
/// One thread polls everything (socket, buttons, `/dev/snd`, signals); each
/// session plays on a `SessionThread`. Idle, it sleeps in `poll` with no
/// timeout: no wake-ups at all until something happens.
public final class Daemon {
    /// What the daemon needs that only the command line can make.
    public struct Parts: Sendable {
        /// A session of `routine` (a built-in name or a file) with `options`,
        /// checked and ready to play, and the routine's name.
        public var session: @Sendable (_ routine: String, _ options: SessionOptions) throws -> (any SessionSource, String)
        /// Opens the sound device; gives up waiting for a busy one when `stopping` says so.
        public var openDevice: @Sendable (_ stopping: @escaping @Sendable () -> Bool) throws(DeviceError) -> DeviceStream
        /// A source that only says `prompt` (spoken status on a box with no screen); `nil` if it cannot.
        public var announcement: @Sendable (_ prompt: PromptRef) -> (any SessionSource)?
        /// The sound that answers a request while nothing plays, at `rate` (the packs' or the built-in one).
        public var earcon: @Sendable (_ earcon: Earcon, _ rate: Int) -> Sound
        /// Opens the device the box's answers and announcements play on;
        /// `nil`: they play on the session's (asked again when next needed).
        public var openReplies: @Sendable () -> ReplyPlayer?

        public init(
            session: @escaping @Sendable (String, SessionOptions) throws -> (any SessionSource, String),
            openDevice: @escaping @Sendable (@escaping @Sendable () -> Bool) throws(DeviceError) -> DeviceStream,
            announcement: @escaping @Sendable (PromptRef) -> (any SessionSource)?,
            earcon: @escaping @Sendable (Earcon, Int) -> Sound,
            openReplies: @escaping @Sendable () -> ReplyPlayer? = { nil }
        ) {
            self.session = session
            self.openDevice = openDevice
            self.announcement = announcement
            self.earcon = earcon
            self.openReplies = openReplies
        }
    }

    private let settings: Settings
    private let parts: Parts
    private let logger: Logger
    private let notifier: SystemdNotifier
    private let server: ControlServer
    private let inputs: InputDevices
    private var buttons: Buttons
    private let soundWatch: SoundDeviceWatch
    private let signals: Int32

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
    }

    private struct Playing {
        var pending: Pending
        var thread: SessionThread
        var keeper: SessionKeeper
        var announced = false
    }

    private var phase = Phase.idle
    /// A spoken word playing while idle ("ready").
    private var announcement: SessionThread?
    /// Whether "ready" was heard: not while the device was missing.
    private var readySaid = false
    /// Where the box's answers and announcements play when not in the
    /// session's stream (a Snapcast studio's box, a sound server): made
    /// when first needed; its device is open only while there is
    /// something to say, or a session plays (`ReplyPlayer`).
    private var replies: ReplyPlayer?
    private var lastAnnounced = ""
    /// The volume in dB, kept from one session to the next.
    private var volume: Double
    private var lastStatus: ServiceStatus?
    private var stopping = false

    /// Sets the box up: the control socket listens, buttons are watched,
    /// signals are taken in through a descriptor. Throws what keeps the
    /// socket from listening (a `SystemError`, or an `InputError` for a
    /// socket group that does not exist).
    public init(settings: Settings, parts: Parts, logger: Logger) throws {
        self.settings = settings
        self.parts = parts
        self.logger = logger
        notifier = SystemdNotifier()
        volume = settings.live.volume
        // SIGTERM, SIGINT and SIGHUP arrive as reads, on this thread, not as handlers on any thread.
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&mask, signal) }
        pthread_sigmask(SIG_BLOCK, &mask, nil)
        signals = try SystemCall.retrying("signalfd") { stretchcue_signal_descriptor(&mask) }
        try Files.makeFolder(Files.folder(of: settings.socket), mode: 0o755)
        try Files.makeFolder(settings.stateFolder, mode: 0o700)
        server = try ControlServer(path: settings.socket, group: try settings.socketGroupID())
        inputs = InputDevices(folder: settings.inputFolder, keymap: settings.keymap, grab: settings.grabInputs, logger: logger)
        buttons = Buttons(keymap: settings.keymap)
        soundWatch = SoundDeviceWatch(folder: settings.soundFolder)
    }

    deinit { close(signals) }

    /// Serves until SIGTERM, SIGINT or SIGHUP; a session playing then fades
    /// out first. Returns the signal that ended it.
    public func run() -> Int32 {
        logger.notice("listening on \(settings.socket); buttons: \(inputs.paths.joined(separator: ", "))")
        notifier.send(["READY=1", "STATUS=\(status.summary)"])
        announce("status.ready")
        var caught: Int32 = 0
        while true {
            var pollers = [pollfd(fd: signals, events: Int16(POLLIN), revents: 0)]
            pollers += server.pollDescriptors
            pollers += inputs.pollDescriptors
            pollers += soundWatch.pollDescriptors
            for thread in threads { pollers.append(pollfd(fd: thread.changed.descriptor, events: Int16(POLLIN), revents: 0)) }
            let ready = SystemCall.uninterrupted { poll(&pollers, nfds_t(pollers.count), timeout) }
            if ready > 0 {
                if pollers[0].revents != 0 {
                    let signal = stretchcue_next_signal(signals)
                    if signal != 0, caught == 0 {
                        caught = signal
                        logger.notice("stopping on signal \(signal)")
                        stopping = true
                        stopAll()
                    }
                }
                for thread in threads { thread.changed.clear() }
                let (events, lost) = inputs.handle(pollers)
                if lost { buttons.forgetHeldKeys() }
                for event in events { if let request = buttons.take(event) { press(request) } }
                if soundWatch.handle(pollers) {
                    switch phase {
                    case .waiting: tryToPlay()
                    // A device that was missing when the box said it was ready: say it now.
                    case .idle where !readySaid: announce("status.ready")
                    default: break
                    }
                }
            }
            // Every turn, ready or not: requests taken a few at a time, silent clients let go when due.
            for received in server.handle(ready > 0 ? pollers : []) { answer(received) }
            followSessions()
            if case .waiting = phase, soundWatch.retryDue { tryToPlay() }
            Hooks.reap()
            publishStatus()
            if stopping, case .idle = phase, announcement == nil { return caught }
        }
    }

    /// How long `poll` may wait: not at all beyond the next thing to do.
    private var timeout: Int32 {
        var waits: [Duration] = []
        if case .playing = phase { waits.append(.milliseconds(100)) }
        if case .waiting = phase { waits.append(soundWatch.untilRetry) }
        if let turn = server.untilNextTurn { waits.append(turn) }
        return waits.min().map(\.pollMilliseconds) ?? -1
    }

    private var threads: [SessionThread] {
        var threads: [SessionThread] = []
        if case .playing(let playing) = phase { threads.append(playing.thread) }
        if let announcement { threads.append(announcement) }
        return threads
    }

    // MARK: Requests

    /// Answers one line from a client.
    private func answer(_ received: ControlServer.Received) {
        switch received.request {
        case .failure(let error):
            server.send(Self.failure(error.description), to: received.client)
        case .success(.status):
            server.send(.object([("ok", .bool(true)), ("status", status.json)]), to: received.client)
        case .success(.watch):
            server.send(.object([("ok", .bool(true)), ("status", status.json)]), to: received.client)
            server.watch(received.client)
        case .success(var request):
            do {
                if case .start(let asked?, let resume) = request {
                    // A client names only what the box may play: never a file it would read for them.
                    request = .start(routine: try settings.routineAccess.resolve(asked), resume: resume)
                }
                try perform(request)
                server.send(.object([("ok", .bool(true)), ("status", status.json)]), to: received.client)
            } catch {
                server.send(Self.failure(error.description), to: received.client)
            }
        }
    }

    /// A button: as a request, except that toggle starts a session when
    /// none plays, and a refused one is said aloud (no screen to show it).
    private func press(_ request: ControlRequest) {
        var request = request
        if request == .toggle, case .idle = phase { request = .start(routine: nil, resume: false) }
        do {
            try perform(request)
        } catch {
            logger.info("button: \(error)")
            if case .idle = phase { announce("status.not-playing") }
        }
        publishStatus()
    }

    /// Carries out a request, or throws why it cannot be.
    private func perform(_ request: ControlRequest) throws(ControlError) {
        guard !stopping else { throw ControlError("the service is stopping") }
        switch request {
        case .start(let routine, let resume):
            try start(routine: routine, resume: resume)
        case .stop:
            switch phase {
            case .idle: throw ControlError("nothing is playing")
            case .waiting:
                phase = .idle
            case .playing(let playing): playing.thread.stop()
            }
        case .volume(let decibels):
            let steps = Int((Double(abs(decibels)) / PlayerControl.volumeStep).rounded())
            if case .playing(let playing) = phase, let control = playing.thread.control {
                for _ in 0..<steps { control.perform(decibels > 0 ? .volumeUp : .volumeDown) }
                volume = control.status.volume
            } else if let card = liveSettings.hardwareVolume {
                // Idle with the card's own control: it is the volume, and it keeps it.
                let step = Double(decibels > 0 ? steps : -steps) * PlayerControl.volumeStep
                let moved: Bool
                do {
                    moved = try card.move(by: step, within: PlayerControl.volumeRange)
                } catch {
                    throw ControlError("cannot set the volume: \(error)")
                }
                volume = card.decibels
                answerWhileIdle(moved ? .volume : .refused)
            } else {
                let changed = volume + Double(decibels > 0 ? steps : -steps) * PlayerControl.volumeStep
                let before = volume
                volume = min(max(changed, PlayerControl.volumeRange.lowerBound), PlayerControl.volumeRange.upperBound)
                answerWhileIdle(volume != before ? .volume : .refused)
            }
        case .status, .watch:
            break
        default:
            guard case .playing(let playing) = phase, let control = playing.thread.control else {
                throw ControlError("nothing is playing; expected `start` first")
            }
            let paused = control.status.paused
            switch request {
            case .pause where paused, .resume where !paused:
                throw ControlError(paused ? "already paused" : "not paused")
            case .pause, .resume, .toggle: control.perform(.togglePause)
            case .next: control.perform(.edit(.next))
            case .back: control.perform(.edit(.back))
            case .longer: control.perform(.edit(.lengthen))
            case .shorter: control.perform(.edit(.shorten))
            case .faster: control.perform(.edit(.faster))
            case .slower: control.perform(.edit(.slower))
            case .whereAmI: control.perform(.whereAmI)
            default: break
            }
        }
    }

    // MARK: Sessions

    /// Makes the session asked for ready and plays it, or waits for the device.
    private func start(routine asked: String?, resume: Bool) throws(ControlError) {
        guard case .idle = phase else { throw ControlError("a session is on already; expected `stop` first") }
        var routine = asked ?? settings.routine
        var options = settings.options
        var start = ResumePoint.start
        var saved: SavedPlace?
        if resume {
            do {
                let place = try SavedPlace.load(from: settings.placePath)
                if asked == nil || asked == place.routine {
                    saved = place
                    routine = place.routine
                    options = place.options
                } else {
                    logger.warning("the saved place is in '\(place.routine)', not '\(routine)'; starting from the beginning")
                }
            } catch {
                logger.warning("\(error); starting from the beginning")
            }
        }
        let made: (any SessionSource, String)
        do {
            made = try parts.session(routine, options)
        } catch {
            // The whole of it in the log; to the asker only where, never what the file holds.
            logger.error("cannot play \(routine): \(error)")
            let place = (error as? InputError)?.place ?? routine.escapingControlCharacters
            throw ControlError("\(place): cannot be played; the box's log says why")
        }
        if let saved {
            // Steps are the same at any rate: check the place on the session laid out at 48 kHz.
            if let timeline = try? made.0.timeline(rate: 48_000, edits: SessionEdits()), saved.frame(on: timeline) != nil {
                start = .step(saved.step)
            } else {
                logger.warning("the saved place does not fit the routine any more; starting from the beginning")
            }
        }
        stopAnnouncement()
        phase = .waiting(Pending(source: made.0, name: made.1, routine: routine, options: options, start: start))
        tryToPlay()
    }

    /// Opens the device and plays the waiting session; if the device is not
    /// there, keeps waiting (`SoundDeviceWatch` says when to try again).
    private func tryToPlay() {
        guard case .waiting(let pending) = phase else { return }
        soundWatch.tried()
        let thread = SessionThread(
            open: parts.openDevice, source: pending.source, settings: liveSettings, start: pending.start, logger: logger)
        let keeper = SessionKeeper(
            routine: pending.routine, name: pending.name, options: pending.options, placePath: settings.placePath,
            historyPath: settings.historyPath, logger: logger)
        phase = .playing(Playing(pending: pending, thread: thread, keeper: keeper))
    }

    private var liveSettings: LiveSettings {
        var live = settings.live
        live.volume = volume
        live.replies = localReplies()
        if let control = settings.mixerControl {
            do {
                live.hardwareVolume = try HardwareVolume(device: settings.device, control: control)
            } catch {
                logger.warning("cannot use the mixer control: \(error); the volume keys scale the samples instead")
            }
        }
        return live
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
        if let outcome = playing.thread.outcome {
            playing.thread.join()
            switch outcome {
            case .noDevice(let error):
                if stopping {
                    phase = .idle
                } else {
                    if !playing.pending.waited { logger.notice("waiting for the sound device: \(error)") }
                    var pending = playing.pending
                    pending.waited = true
                    phase = .waiting(pending)
                }
            case .failed(let reason):
                logger.error("the session stopped: \(reason)")
                end(playing, stopped: true)
            case .played(let summary):
                let latency = playing.thread.control.map { $0.longestKeyLatency * 1000 / max(1, $0.status.sampleRate) }
                logger.notice("session \(summary.line); longest command to earcon: \(latency ?? 0) ms")
                end(playing, stopped: summary.stopped)
            }
            return
        }
        guard let control = playing.thread.control else { return }
        if !playing.announced {
            playing.announced = true
            control.makeEarcons()
            hook(.start, playing)
        }
        if playing.keeper.follow(control) { hook(.pose, playing) }
        let status = control.status
        if control.isWaitingForDevice, !status.paused, lastStatus?.state != .waiting { hook(.deviceLost, playing) }
        volume = status.volume
        phase = .playing(playing)
    }

    /// Ends a session: its history line and saved place (`SessionKeeper`), its hook.
    private func end(_ playing: Playing, stopped: Bool) {
        if let control = playing.thread.control {
            playing.keeper.finish(control, stopped: stopped)
            volume = control.status.volume
        }
        phase = .idle
        hook(.end, playing, extra: [("stopped", "\(stopped)")])
    }

    /// The device of their own the answers play on, if there is one: opened now if not yet.
    private func localReplies() -> ReplyPlayer? {
        if replies == nil { replies = parts.openReplies() }
        return replies
    }

    /// Answers a request with its earcon while nothing plays, as a session
    /// would, at the volume the next session plays at: only where the
    /// answers have a device of their own, opened for the moment (on the
    /// session's device it would take opening the whole stream).
    private func answerWhileIdle(_ earcon: Earcon) {
        guard !stopping, let replies = localReplies() else { return }
        replies.earcon(parts.earcon(earcon, replies.sampleRate), gain: Float(decibels: volume))
    }

    /// Says a prompt from the voice pack while nothing plays: on the
    /// answers' own device if there is one, else on the session's.
    private func announce(_ id: String) {
        guard case .idle = phase, announcement == nil, !stopping, let source = parts.announcement(.voice(id)) else { return }
        if let replies = localReplies() {
            replies.speech(source.speech([.voice(id)], rate: replies.sampleRate), gain: Float(decibels: volume))
            if id == "status.ready" { readySaid = true }
            return
        }
        var live = liveSettings
        live.leadIn = min(live.leadIn, .milliseconds(500))
        announcement = SessionThread(open: parts.openDevice, source: source, settings: live, logger: logger)
        lastAnnounced = id
    }

    private func stopAnnouncement() {
        guard let announcement else { return }
        announcement.stop()
        announcement.join()
        self.announcement = nil
    }

    private func stopAll() {
        stopAnnouncement()
        switch phase {
        case .idle: break
        case .waiting: phase = .idle
        case .playing(let playing): playing.thread.stop()
        }
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
            guard let control = playing.thread.control else {
                return ServiceStatus(state: .waiting, routine: playing.pending.name, device: settings.device, volume: volume)
            }
            let session = control.status
            let state: ServiceStatus.State =
                control.isWaitingForDevice ? .waiting : session.paused ? .paused : .playing
            return ServiceStatus(state: state, routine: playing.pending.name, device: settings.device, volume: session.volume, session: session)
        }
    }

    /// Tells watchers and systemd of a change a listener would notice.
    private func publishStatus() {
        let now = status
        if let lastStatus, !now.differsNoticeably(from: lastStatus) { return }
        lastStatus = now
        server.broadcast(.object([("event", .string("status")), ("status", now.json)]))
        notifier.send(["STATUS=\(now.summary)"])
    }

    private func hook(_ event: Hooks.Event, _ playing: Playing, extra: [(String, String)] = []) {
        let now = status
        let step = now.session?.step
        var state: [(String, String)] = [
            ("state", now.state.rawValue), ("routine", playing.pending.name), ("device", settings.device),
        ]
        if let step {
            state += [("round", "\(step.round)"), ("pose", step.pose), ("pose_name", step.name), ("side", step.side?.rawValue ?? "")]
        }
        settings.hooks.run(event, state: state + extra)
    }

    private static func failure(_ message: String) -> JSON {
        .object([("ok", .bool(false)), ("error", .string(message))])
    }
}

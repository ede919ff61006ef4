import Audio
import Configuration
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
/// This is its event loop: one thread waits on everything (socket,
/// buttons, `/dev/snd`, signals, the session threads' wake-ups) and hands
/// what comes to the `SessionSupervisor`, which does the rest: requests
/// through the `RequestRouter`, device changes and the sessions' news
/// directly. Hooks, systemd and the socket's watchers observe the
/// supervisor. Idle, the thread sleeps in `poll` with no timeout: no
/// wake-ups at all until something happens.
public final class Daemon {
    /// What the daemon needs that only the command line can make: the
    /// sessions and sounds, and the devices opened as `SessionLauncher` opens them.
    public struct Parts: Sendable {
        /// Makes a session as `SessionMaker.session` does.
        public typealias MakeSession = @Sendable (_ routine: String, _ options: SessionOptions, _ length: Double?) throws
            -> (source: any SessionSource, name: String, options: SessionOptions)

        /// A session of `routine` (a built-in name or a file) with `options`
        /// (fitted into `length` seconds when given), checked and ready to play.
        public var session: MakeSession
        /// Opens the sound device; gives up waiting for a busy one when `stopping` says so.
        public var openDevice: @Sendable (_ stopping: @escaping @Sendable () -> Bool) throws(DeviceError) -> DeviceStream
        /// A source that only says `prompt` (spoken status on a box with no screen); `nil` if it cannot.
        public var announcement: @Sendable (_ prompt: PromptRef) -> (any SessionSource)?
        /// The sound that answers a request while nothing plays, at `rate` (the packs' or the built-in one).
        public var earcon: @Sendable (_ earcon: Earcon, _ rate: Int) -> Sound
        /// Opens the device the box's answers and announcements play on;
        /// `nil`: they play on the session's (asked again when a session
        /// starts or the sound devices change).
        public var openReplies: @Sendable () -> ReplyPlayer?
        /// Opens the card's own volume control; `nil` when none is named.
        public var openCardVolume: @Sendable () throws(DeviceError) -> HardwareVolume?

        public init(
            session: @escaping MakeSession,
            openDevice: @escaping @Sendable (@escaping @Sendable () -> Bool) throws(DeviceError) -> DeviceStream,
            announcement: @escaping @Sendable (PromptRef) -> (any SessionSource)?,
            earcon: @escaping @Sendable (Earcon, Int) -> Sound,
            openReplies: @escaping @Sendable () -> ReplyPlayer? = { nil },
            openCardVolume: @escaping @Sendable () throws(DeviceError) -> HardwareVolume? = { nil }
        ) {
            self.session = session
            self.openDevice = openDevice
            self.announcement = announcement
            self.earcon = earcon
            self.openReplies = openReplies
            self.openCardVolume = openCardVolume
        }

        /// The devices as `launcher` opens them, at the rate and channels of the config's `settings`.
        public init(
            launcher: SessionLauncher, settings: Settings,
            session: @escaping MakeSession,
            announcement: @escaping @Sendable (PromptRef) -> (any SessionSource)?,
            earcon: @escaping @Sendable (Earcon, Int) -> Sound
        ) {
            let (rate, channels) = (settings.options.sampleRate, settings.mix.channels)
            self.init(
                session: session,
                openDevice: { stopping throws(DeviceError) in
                    try launcher.openDevice(rate: rate, channels: channels, stopping: stopping)
                },
                announcement: announcement, earcon: earcon, openReplies: { launcher.openReplies(rate: rate) },
                openCardVolume: { () throws(DeviceError) in try launcher.openCardVolume() })
        }
    }

    private let settings: Settings
    private let logger: Logger
    private let notifier: SystemdNotifier
    private let server: ControlServer
    private let inputs: InputDevices
    private var buttons: Buttons
    private let soundWatch: SoundDeviceWatch
    private let signals: FileDescriptor
    private let supervisor: SessionSupervisor
    private let router: RequestRouter

    /// Sets the box up: the control socket listens, buttons are watched,
    /// signals are taken in through a descriptor. Throws what keeps the
    /// socket from listening (a `SystemError`, or an `InputError` for a
    /// socket group that does not exist).
    public init(settings: Settings, parts: Parts, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        notifier = SystemdNotifier()
        // SIGTERM, SIGINT and SIGHUP arrive as reads, on this thread, not as handlers on any thread.
        signals = try Signals.descriptor(for: [SIGTERM, SIGINT, SIGHUP])
        try Files.makeFolder(Files.folder(of: settings.socket), mode: 0o755)
        try Files.makeFolder(settings.stateFolder, mode: 0o700)
        server = try ControlServer(path: settings.socket, group: try settings.socketGroupID())
        inputs = InputDevices(folder: settings.inputFolder, keymap: settings.keymap, grab: settings.grabInputs, logger: logger)
        buttons = Buttons(keymap: settings.keymap)
        soundWatch = SoundDeviceWatch(folder: settings.soundFolder)
        supervisor = SessionSupervisor(
            settings: settings, sessions: parts, devices: BoxSound(parts: parts, settings: settings, logger: logger),
            logger: logger)
        router = RequestRouter(supervisor: supervisor, server: server, routineAccess: settings.routineAccess, historyPath: settings.historyPath, logger: logger)
        supervisor.add(StatusWatchers(server))
        supervisor.add(SystemdStatus(notifier))
        supervisor.add(HookRunner(settings.hooks))
    }

    /// What the box is doing now.
    public var status: ServiceStatus { supervisor.status }

    /// Serves until SIGTERM, SIGINT or SIGHUP; a session playing then fades
    /// out first. Returns the signal that ended it.
    public func run() -> Int32 {
        logger.notice("listening on \(settings.socket); buttons: \(inputs.paths.joined(separator: ", "))")
        notifier.send(["READY=1", "STATUS=\(status.summary)"])
        supervisor.sayReady()
        var caught: Int32 = 0
        while true {
            let wakeUps = supervisor.wakeUps
            var pollers = [pollfd(fd: signals.rawValue, events: Int16(POLLIN), revents: 0)]
            pollers += server.pollDescriptors
            pollers += inputs.pollDescriptors
            pollers += soundWatch.pollDescriptors
            for wakeUp in wakeUps { pollers.append(pollfd(fd: wakeUp.descriptor, events: Int16(POLLIN), revents: 0)) }
            let ready = Poll.waitUninterrupted(&pollers, milliseconds: timeout)
            if ready > 0 {
                if pollers[0].revents != 0 {
                    let signal = Signals.next(from: signals)
                    if signal != 0, caught == 0 {
                        caught = signal
                        logger.notice("stopping on signal \(signal)")
                        supervisor.stopForGood()
                    }
                }
                for wakeUp in wakeUps { wakeUp.clear() }
                let (events, lost) = inputs.handle(pollers)
                if lost { buttons.forgetHeldKeys() }
                for event in events { if let request = buttons.take(event) { router.press(request) } }
                if soundWatch.handle(pollers) { supervisor.devicesChanged() }
            }
            // Every turn, ready or not: requests taken a few at a time, silent clients let go when due.
            for received in server.handle(ready > 0 ? pollers : []) { router.answer(received) }
            supervisor.follow()
            Spawn.reapFinished()
            if supervisor.isFinished { return caught }
        }
    }

    /// How long `poll` may wait: not at all beyond the next thing to do.
    private var timeout: Int32 {
        let waits = [supervisor.untilNextTurn, server.untilNextTurn].compactMap { $0 }
        return waits.min().map(\.pollMilliseconds) ?? -1
    }
}

extension Daemon.Parts: SessionMaker {
    public func session(routine: String, options: SessionOptions, length: Double?) throws
        -> (source: any SessionSource, name: String, options: SessionOptions)
    {
        try session(routine, options, length)
    }
}

import ArgumentParser
import Audio
import Configuration
import Controls
import Glibc
import Logging
import Output
import Playback
import Service
import SystemCalls
import Timing

extension Stretchcue {
    /// `stretchcue play`: plays a session live through ALSA.
    struct Play: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Play a session live through an ALSA device.",
            discussion: """
                Keys (on a terminal): space pause, n/b next/back, +/- hold longer/shorter, ]/[ faster/slower, \
                Up/Down volume, m breathing tones, i where am I, q stop, ? help. Ctrl-C fades out and stops \
                (exit 130; twice: at once); SIGTERM does the same and exits 0, SIGHUP exits 129. When the device \
                disappears (a USB DAC pulled out, a sound server restarted) the session waits, reopens it and \
                goes on from the current pose; after --give-up-after seconds it stops with exit 3.
                """)

        @OptionGroup var session: SessionFlags
        @OptionGroup var mix: MixFlags
        @OptionGroup var device: DeviceFlags

        @Option(help: ArgumentHelp("Silence before the first sound after every open, in ms (default 1000).", valueName: "ms"))
        var leadInMs: Int?

        @Option(help: ArgumentHelp("Seconds to keep reopening a lost device before giving up.", valueName: "seconds"))
        var giveUpAfter = 600

        @Option(help: ArgumentHelp("Seconds a device may take no sound before it is taken for lost and reopened (default 2).", valueName: "seconds"))
        var stallTimeout: Double?

        @Flag(name: .shortAndLong, help: "Log what the device granted and every recovery.")
        var verbose = false

        @Flag(help: "One line per event, no cursor movement (for screen readers, logs and systemd); the default when standard output is not a terminal.")
        var plain = false

        @Flag(help: "Go on from the pose where the last session of this routine stopped (saved at every pose), with its options.")
        var resume = false

        @Flag(
            inversion: .prefixedNo,
            help: "Be a media player of the desktop (MPRIS), so media keys, headset buttons and playerctl steer the session (default: on, or the config's mpris).")
        var mpris: Bool?

        func validate() throws {
            if let leadInMs, !PlaybackLimits.leadInMilliseconds.contains(leadInMs) {
                throw ValidationError("--lead-in-ms \(leadInMs) is out of range; expected 0 to 10000")
            }
            guard (1...86_400).contains(giveUpAfter) else {
                throw ValidationError("--give-up-after \(giveUpAfter) is out of range; expected 1 to 86400 seconds")
            }
            if let stallTimeout, !PlaybackLimits.stallTimeout.contains(stallTimeout) {
                throw ValidationError("--stall-timeout \(stallTimeout) is out of range; expected 0.2 to 60 seconds")
            }
        }

        func run() throws {
            let logger = Logging.make(verbose: verbose)
            let settings = try session.settings()
            let routine = session.routine(settings)
            let leadInMs = self.leadInMs ?? settings.leadInMilliseconds
            let stallTimeout = self.stallTimeout ?? settings.stallTimeout
            // Everything is checked before the device is touched.
            var options = session.options(settings)
            var start = ResumePoint.start
            var prepared: Session
            if resume, let place = Self.place(for: routine, from: settings.placePath, logger: logger) {
                options = place.options
                options.sampleRate = session.rate
                prepared = try reportingFailures {
                    try Session(
                        routine: routine, options: options, voice: session.voice ?? settings.voice,
                        chimes: session.chimes ?? settings.chimes, packs: session.packs.isEmpty ? settings.packs : session.packs)
                }
                if place.frame(on: prepared.timeline) != nil {
                    start = .step(place.step)
                } else {
                    logger.warning("the saved place does not fit \(routine) any more; starting from the beginning")
                }
            } else {
                prepared = try reportingFailures { try Session(session, settings) }
                options = prepared.options
            }
            for line in prepared.soundOrigins { logger.debug("sound \(line)") }
            if let mixed = prepared.mixedLanguages { logger.warning("\(mixed)") }
            var mixSettings = try mix.settings(over: settings.mix, routine: prepared.routine)
            ALSAMessages.route(to: logger)
            Interruption.catchSignals()

            var launcher = device.launcher(over: settings, logger: logger)
            launcher.leadIn = .milliseconds(leadInMs)
            launcher.giveUpAfter = .seconds(giveUpAfter)
            launcher.stallTimeout = .milliseconds(Int(stallTimeout * 1000))
            let stream: DeviceStream
            do {
                stream = try launcher.openDevice(rate: session.rate, channels: mixSettings.channels)
            } catch {
                throw Failure(
                    "stretchcue: cannot open \(error). Try `stretchcue devices` to list devices, -D NAME to choose "
                        + "one, or `stretchcue render -o session.wav`.", .deviceUnavailable)
            }
            mixSettings.channels = stream.format.channels
            var live = launcher.live()
            do {
                live.hardwareVolume = try launcher.openCardVolume()
            } catch {
                throw Failure("stretchcue: cannot use the mixer control: \(error)", .deviceUnavailable)
            }
            live.replies = launcher.openReplies(rate: stream.format.sampleRate)
            // The last answer (the stop's earcon) is played out before the program ends.
            defer { live.replies?.finish() }
            let player = try reportingFailures {
                try AudioLoop(
                    stream: stream, settings: live,
                    source: RoutineSource(routine: prepared.routine, bank: prepared.bank, options: options, mix: mixSettings),
                    logger: logger, startingAt: start)
            }
            let keeper = launcher.keeper(routine: routine, name: prepared.routine.name, options: options)
            // Keys when a person is at a terminal; none for a service or a pipe.
            let readsKeys = Terminal.enterRawMode()
            defer { Terminal.restore() }
            let controls = ControlLoop(
                player: player.control, readsKeys: readsKeys,
                mediaPlayer: (mpris ?? settings.mpris) ? Self.mediaPlayer(logger: logger) : nil,
                routineName: prepared.routine.name,
                plain: plain || !Files.isTerminal(STDOUT_FILENO) || getenv("TERM").map { String(cString: $0) } == "dumb",
                observer: { keeper.follow($0) })
            controls.start()
            let summary: PlaybackSummary
            do {
                defer { controls.stop() }
                summary = try player.run { Interruption.caught != nil }
            } catch let error as DeviceError {
                throw Failure("stretchcue: gave up after \(giveUpAfter) s: \(error)", .deviceUnavailable)
            } catch {
                // The device came back at another rate and the session could not be rebuilt.
                throw Failure(error)
            }
            keeper.finish(player.control, stopped: summary.stopped)
            logger.debug("longest key to earcon: \(player.control.longestKeyLatency * 1000 / stream.format.sampleRate) ms")
            let (writes, falseWakes) = (stream.counters.writes.load(ordering: .relaxed), stream.counters.falseWakes.load(ordering: .relaxed))
            logger.debug("device writes: \(writes); waits that said there was room and found none: \(falseWakes)")
            TextOutput.standardOutput.write("stretchcue: \(summary.line)\n")
            // SIGTERM is how a service is stopped: a normal end.
            if let signal = Interruption.caught, signal != SIGTERM { throw Failure.silent(Failure.code(for: signal)) }
        }
    }
}

extension Stretchcue.Play {
    /// The session as a media player on the desktop's session bus, or nil
    /// (said in one log line) when there is none to be on.
    static func mediaPlayer(logger: Logger) -> MediaPlayerBus? {
        do {
            let bus = try MediaPlayerBus()
            logger.info("a media player of the desktop (MPRIS): org.mpris.MediaPlayer2.\(MediaPlayerBus.name)")
            return bus
        } catch {
            logger.info("no session bus to be a media player of the desktop (MPRIS) on: \(error)")
            return nil
        }
    }

    /// The place saved for `routine`, if there is one that can be read; a
    /// broken or foreign one is one warning, never a failure.
    static func place(for routine: String, from path: String, logger: Logger) -> SavedPlace? {
        do {
            let place = try SavedPlace.load(from: path)
            guard place.routine == routine else {
                logger.warning("the saved place is in \(place.routine), not \(routine); starting from the beginning")
                return nil
            }
            return place
        } catch {
            logger.warning("\(error); starting from the beginning")
            return nil
        }
    }
}

/// Which device to play on and how to drive it.
struct DeviceFlags: ParsableArguments {
    @Option(
        name: [.customShort("D"), .long, .customLong("output")],
        help: "The ALSA device (default, pulse, hw:CARD=Name, plughw:1...) or a Snapcast server's source (snapcast:pipe:PATH, snapcast:tcp:HOST:PORT); default: the config's, else default",
        completion: Completions.device)
    var device: String?

    @Option(help: ArgumentHelp("Where key earcons and the spoken status play: an ALSA device, or `output` for the session's stream (default: `default` for a Snapcast output, a second stream on a sound server, else the output).", valueName: "device"), completion: Completions.device)
    var earconDevice: String?

    @Option(help: ArgumentHelp("The device buffer in ms (300-500 for Bluetooth speakers; default 100).", valueName: "ms"))
    var bufferMs: Int?

    @Option(help: ArgumentHelp("On a card that can rewind (hw:), the buffer kept full, rewound for keys (default 500; 0: never, --buffer-ms then applies).", valueName: "ms"))
    var rewindMs: Int?

    @Option(help: ArgumentHelp("A sample format to insist on: s16, s24 (sent as s32), s32 or float.", valueName: "format"))
    var sampleFormat: SampleFormat?

    @Option(help: ArgumentHelp("The card's volume control for the volume keys (Digital, PCM, Master...), instead of scaling the samples.", valueName: "name"))
    var mixerControl: String?

    func validate() throws {
        if let device {
            do { _ = try SnapcastTarget.named(device) } catch { throw ValidationError("device \(device): \(error.text)") }
        }
        if let bufferMs, !PlaybackLimits.bufferMilliseconds.contains(bufferMs) {
            throw ValidationError("--buffer-ms \(bufferMs) is out of range; expected 10 to 2000")
        }
        if let rewindMs, rewindMs != 0, !PlaybackLimits.rewindMilliseconds.contains(rewindMs) {
            throw ValidationError("--rewind-ms \(rewindMs) is out of range; expected 0 (never rewind) or 100 to 2000")
        }
    }

    /// How to set the session's sound up: these flags over the config's `settings`.
    func launcher(over settings: Settings, logger: Logger) -> SessionLauncher {
        var launcher = SessionLauncher(settings: settings, logger: logger, wait: Interruption.sleep)
        launcher.device = device ?? settings.device
        launcher.earconDevice = earconDevice ?? settings.earconDevice
        launcher.bufferMilliseconds = bufferMs ?? settings.bufferMilliseconds
        launcher.rewindMilliseconds = rewindMs ?? settings.rewindMilliseconds
        launcher.sampleFormat = sampleFormat ?? settings.sampleFormat
        launcher.mixerControl = mixerControl ?? settings.mixerControl
        return launcher
    }
}

import ArgumentParser
import Audio
import Configuration
import Glibc
import Logging
import Output
import Packs
import Playback
import Routines
import Service
import SystemCalls

extension Stretchcue {
    /// `stretchcue serve`: the headless box.
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run as a headless speaker box: wait to be told to start, then play.",
            discussion: """
                Idle until a button or the control socket (`stretchcue ctl`) starts a session; then it plays like \
                `play` and is idle again. It waits for a sound device that is missing or unplugged instead of \
                giving up, saves where the session is at every pose (`ctl start --resume` goes on from there \
                after a power cut), keeps a history (`stretchcue history`), runs the configured hooks and tells \
                systemd when it is ready (Type=notify). Settings come from the config file \
                (`stretchcue config show`). SIGTERM fades out and exits 0.
                """)

        @OptionGroup var config: ConfigFlags

        @Flag(name: .shortAndLong, help: "Log what the device granted, every recovery and every client.")
        var verbose = false

        @Flag(help: "Keep the sound device playing an inaudible 25 Hz tone, in sessions and while idle, so a speaker that sleeps in digital silence stays on.")
        var keepAwake = false

        func run() throws {
            let logger = Logging.make(verbose: verbose)
            let settings = try config.settings(keepAwake: keepAwake)
            ALSAMessages.route(to: logger)
            // Spoken status comes from the same packs and voice as the sessions.
            let spoken = try reportingFailures {
                let sounds = try SoundsFolder.locate()
                let packs = try PackChain(settings.packs, library: SoundsFolder.library(sounds))
                return Banks(try SoundBank(sampleRate: 48_000, voiceFolder: settings.voice ?? sounds + "/voice", packs: packs))
            }
            let launcher = SessionLauncher(settings: settings, logger: logger, wait: Interruption.sleep)
            let parts = Daemon.Parts(
                launcher: launcher, settings: settings,
                session: { routine, options, length in
                    let session = try Session(
                        routine: routine, options: options, voice: settings.voice, chimes: settings.chimes,
                        packs: settings.packs, length: length)
                    var mix = settings.mix.withGains(of: session.routine)
                    mix.channels = 2
                    return (
                        RoutineSource(routine: session.routine, bank: session.bank, options: session.options, mix: mix),
                        session.routine.name, session.options
                    )
                },
                announcement: { prompt in PromptSource(prompt, banks: spoken) },
                earcon: { earcon, rate in spoken.earcon(earcon, rate: rate) })
            let daemon: Daemon
            do {
                daemon = try Daemon(settings: settings, parts: parts, logger: logger)
            } catch let error as InputError {
                throw Failure(error)
            } catch {
                throw Failure("stretchcue: cannot listen: \(error)", .outputFailed)
            }
            let signal = daemon.run()
            // SIGTERM is how systemd stops a service: a normal end.
            if signal != SIGTERM { throw Failure.silent(Failure.code(for: signal)) }
        }
    }
}

/// Where the settings come from: a config file, and the flags over it.
struct ConfigFlags: ParsableArguments {
    @Option(help: ArgumentHelp("A config file, instead of the first found of \(Settings.configFiles().joined(separator: ", ")).", valueName: "file"))
    var config: String?

    @Option(
        name: [.customShort("D"), .long, .customLong("output")],
        help: "The ALSA device or Snapcast source (as play's), over the config's.", completion: Completions.device)
    var device: String?

    @Option(help: ArgumentHelp("Where command earcons and the spoken status play (as play's), over the config's.", valueName: "device"), completion: Completions.device)
    var earconDevice: String?

    @Option(help: ArgumentHelp("The control socket, over the config's.", valueName: "path"))
    var socket: String?

    /// The settings: defaults, the config file (the one named, else the
    /// first found), then these flags (and `serve`'s `--keep-awake`).
    func settings(keepAwake: Bool = false) throws(Failure) -> Settings {
        var settings = try Self.settings(file: config)
        if keepAwake {
            settings.mix.keepAwake = true
            settings.setByCommandLine("keep_awake")
        }
        if let device {
            settings.device = device
            settings.setByCommandLine("device")
        }
        if let earconDevice {
            settings.earconDevice = earconDevice
            settings.setByCommandLine("earcon_device")
        }
        if let socket {
            settings.socket = socket
            settings.setByCommandLine("socket")
        }
        return settings
    }

    /// The defaults for a program run in `environment`, then the config
    /// `file` (else the first found of those `environment` gives); a broken
    /// config is one line and exit 2.
    static func settings(file: String?, environment: [String: String] = Settings.environment) throws(Failure) -> Settings {
        do { return try Settings(configFile: file, environment: environment) } catch { throw Failure(error) }
    }
}

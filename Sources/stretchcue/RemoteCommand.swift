import ArgumentParser
import Configuration
import Controls
import Glibc
import Logging
import Remote
import SystemCalls

extension Stretchcue {
    /// `stretchcue remote`: the box's remote, a web page for a phone or a laptop.
    struct RemoteCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remote",
            abstract: "Serve a web page that controls the box (`stretchcue serve`) through its control socket.",
            discussion: """
                Listens on 127.0.0.1:8080 unless the config says otherwise (remote: {listen: "0.0.0.0:8080"} opens \
                it to the LAN). A browser must first give the pairing secret, which `stretchcue remote --pair` shows \
                (with a QR code when qrencode is installed) and the log repeats; it is kept in remote-pairing in its state folder ($STATE_DIRECTORY, else $XDG_STATE_HOME/stretchcue, else ~/.local/state/stretchcue). \
                See docs/remote.md. SIGTERM and SIGINT stop it; exit 2 when the config is invalid, 6 when it cannot listen.
                """)

        @Flag(help: "Print the pairing secret, the address to open and a QR code of it, then exit.")
        var pair = false

        @Flag(help: "With --pair: the service's secret (in /var/lib/stretchcue-remote), not this user's.")
        var box = false

        @Option(help: ArgumentHelp("A config file, instead of the first found of \(Settings.configFiles().joined(separator: ", ")).", valueName: "file"))
        var config: String?

        @Option(help: ArgumentHelp("The box's control socket (default: the config's, else the service's).", valueName: "path"))
        var socket: String?

        @Option(help: ArgumentHelp("Where to listen, over the config's: an IPv4 address and a port.", valueName: "address:port"))
        var listen: String?

        func validate() throws {
            if let listen, RemoteSettings.parse(listen: listen) == nil {
                throw ValidationError("--listen takes an IPv4 address and a port, like 0.0.0.0:8080; found '\(listen)'")
            }
            if box && !pair { throw ValidationError("--box goes with --pair") }
        }

        func run() throws {
            let environment = box ? ["STATE_DIRECTORY": Self.boxStateFolder] : Settings.environment
            var settings = try ConfigFlags.settings(file: config, environment: environment)
            if let listen, let (address, port) = RemoteSettings.parse(listen: listen) {
                (settings.remote.address, settings.remote.port) = (address, port)
            }
            // Its own state folder, never the box's (the config's state_folder is the box's).
            let pairingFile = Settings(environment: environment).stateFolder + "/remote-pairing"
            let pairing: Pairing
            do {
                pairing = try Pairing.load(pairingFile)
            } catch {
                throw Failure("stretchcue: \(error)", .outputFailed)
            }
            if pair { return show(pairing, settings.remote) }
            try serve(settings, pairing: pairing)
        }

        /// Where the service keeps its secret (its unit's `StateDirectory=`).
        static let boxStateFolder = "/var/lib/stretchcue-remote"

        private func serve(_ settings: Settings, pairing: Pairing) throws {
            let logger = Logging.make(verbose: false)
            let socketPath = try Ctl.socketPath(flag: socket, config: config)
            // The signals that stop it are taken by this thread alone, from before any other starts.
            Signals.block([SIGTERM, SIGINT, SIGHUP])
            // The history's dates in the local time zone, as TZ names it.
            tzset()
            let streams = EventStreams()
            let feed = BoxFeed(socket: socketPath, streams: streams)
            let folders = settings.routineAccess.folders
            let routes = RemoteRoutes(
                pairing: pairing, requestGuard: RequestGuard(port: settings.remote.port, requestsPerSecond: settings.remote.requestsPerSecond),
                feed: feed, routines: { RoutineNames.list(folders: folders) })
            let server: HTTPServer
            do {
                server = try HTTPServer(
                    address: settings.remote.address, port: settings.remote.port, streams: streams, streamStart: feed.event,
                    handle: routes.handle)
            } catch {
                throw Failure("stretchcue: cannot listen on \(settings.remote.listen): \(error.reason)", .cannotListen)
            }
            feed.start()
            logger.info("remote: listening on http://\(settings.remote.address):\(server.port)/ for the box at \(socketPath)")
            logger.info("remote: pairing secret \(pairing.secret) (stretchcue remote --pair shows it with a QR code)")
            let signal = Signals.wait(for: [SIGTERM, SIGINT, SIGHUP])
            server.stop()
            if signal == SIGHUP { throw Failure.silent(.hangUp) }
        }

        /// The secret, the address with it, and a QR code of that address.
        private func show(_ pairing: Pairing, _ remote: RemoteSettings) {
            let host = remote.address == "0.0.0.0" ? (RequestGuard.hostName.isEmpty ? "BOX" : RequestGuard.hostName + ".local") : remote.address
            let address = "http://\(host):\(remote.port)/?code=\(pairing.secret)"
            TextOutput.standardOutput.line("Pairing secret: \(pairing.secret)")
            TextOutput.standardOutput.line("Open: \(address)")
            if Spawn.wait(["qrencode", "-t", "UTF8", address], environment: Spawn.environment) != 0 {
                TextOutput.standardOutput.line("(Install qrencode for a QR code of the address.)")
            }
        }
    }
}

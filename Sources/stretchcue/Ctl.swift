import ArgumentParser
import Configuration
import Controls
import Glibc
import Playback
import Routines
import SystemCalls
import Timing

extension Stretchcue {
    /// `stretchcue ctl`: tells a running box (`serve`) what to do.
    struct Ctl: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tell a running `stretchcue serve` what to do, through its control socket.",
            discussion: """
                Requests: \(Request.commands.joined(separator: ", ")). `status` prints where the box is \
                (--json: the reply as is); `watch` prints every change until interrupted. Exit 4 when the box \
                refuses the request (the reason on standard error), 5 when no box answers on the socket.
                """)

        @Argument(parsing: .allUnrecognized, help: "The request and its arguments: pause, volume -2, start ROUTINE --resume...",
            completion: Completions.request)
        var request: [String] = []

        @Flag(help: "Print the reply as JSON, as the box sent it.")
        var json = false

        @Option(help: ArgumentHelp("The control socket (default: the config's, else the service's).", valueName: "path"))
        var socket: String?

        @Option(help: ArgumentHelp("A config file to take the socket from.", valueName: "file"))
        var config: String?

        func validate() throws {
            guard !request.isEmpty else { throw ValidationError("expected a request: \(Request.commands.joined(separator: ", "))") }
            do {
                _ = try Request(line: request.joined(separator: " "))
            } catch {
                throw ValidationError(error.description)
            }
        }

        func run() throws {
            let line = request.joined(separator: " ")
            let path = try Self.socketPath(flag: socket, config: config)
            let connection: FileDescriptor
            do {
                connection = try UnixSocket.connect(to: path)
            } catch {
                throw Failure("stretchcue: no box answers at \(path): \(error.reason); is `stretchcue serve` running?", .noService)
            }
            var reader = LineReader(descriptor: connection.rawValue)
            do {
                try Files.write(Array((line + "\n").utf8), to: connection.rawValue, path: path)
            } catch {
                throw Failure("stretchcue: \(error)", .noService)
            }
            let watching = (try? Request(line: line)) == .watch
            var first = true
            while let reply = reader.next() {
                try show(reply, first: first)
                first = false
                if !watching { return }
            }
            if first { throw Failure("stretchcue: the box closed the connection without answering", .noService) }
        }

        /// Prints one reply or event; throws the box's refusal.
        private func show(_ text: String, first: Bool) throws {
            let reply = try? YAMLTree.parse(text, file: "reply")
            let fields = reply.flatMap { node -> [String: YAMLNode]? in
                guard case .mapping(let pairs) = node.value else { return nil }
                return Dictionary(pairs.compactMap { pair in pair.key.text.map { ($0, pair.value) } }) { first, _ in first }
            }
            guard let fields else { throw Failure("stretchcue: the box sent something unreadable: \(text.escapingControlCharacters)", .noService) }
            if fields["ok"]?.text == "false" {
                throw Failure("stretchcue: refused: \(fields["error"]?.text ?? "no reason given")", .refused)
            }
            // A box's JSON holds no controls (JSON escapes them); another program's may.
            if json {
                TextOutput.standardOutput.line(text.escapingControlCharacters)
            } else if fields["history"] != nil {
                tzset()
                TextOutput.standardOutput.line(HistoryCommand.header)
                for entry in History.entries(inReply: text) { TextOutput.standardOutput.line(HistoryCommand.line(entry)) }
            } else if let status = fields["status"], first || fields["event"] != nil {
                TextOutput.standardOutput.line(Self.describe(status))
            }
        }

        /// A status as one line for a person, with the controls in its
        /// names escaped.
        static func describe(_ status: YAMLNode) -> String {
            guard case .mapping(let pairs) = status.value else { return "" }
            let fields = Dictionary(pairs.compactMap { pair in pair.key.text.map { ($0, pair.value) } }) { first, _ in first }
            func value(_ key: String) -> String? { fields[key].flatMap { $0.isNull ? nil : $0.text } }
            var parts = [value("state") ?? "unknown"]
            if let routine = value("routine") { parts.append(routine) }
            if let round = value("round"), let rounds = value("rounds"), rounds != "1" { parts.append("round \(round) of \(rounds)") }
            if let pose = value("pose"), let poses = value("poses") {
                var text = "pose \(pose) of \(poses)"
                if let name = value("name") { text += " \(name)" }
                if let side = value("side") { text += " (\(side))" }
                parts.append(text)
            }
            if let remaining = value("remaining").flatMap(Double.init) { parts.append("\(Timeline.clock(seconds: Int(remaining))) left") }
            if let volume = value("volume") { parts.append("volume \(volume) dB") }
            if let device = value("device") { parts.append("device \(device)") }
            return parts.joined(separator: ", ").escapingControlCharacters
        }

        /// The box's socket: the flag's, the config's, else the service's default.
        static func socketPath(flag socket: String?, config: String?) throws -> String {
            if let socket { return socket }
            let settings = try ConfigFlags.settings(file: config)
            if settings.origins["socket"] != nil { return settings.socket }
            // The service's runtime folder, where a person's own does not hold a box.
            return Files.exists(settings.socket) ? settings.socket : "/run/stretchcue/stretchcue.sock"
        }
    }
}

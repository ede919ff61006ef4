import Configuration
import Logging
import Playback

/// Carries requests from where they come from (a line from a socket's
/// client, a button) to the session supervisor, and the answers back.
///
/// A client names only what the box may play; it gets one JSON line back,
/// the status or why not. A button is a request too, except that toggle
/// starts a session when none plays, and a refusal is said aloud (a box
/// has no screen to show it).
final class RequestRouter {
    private let supervisor: SessionSupervisor
    private let server: ControlServer
    private let routineAccess: RoutineAccess
    private let historyPath: String
    private let logger: Logger
    /// The sessions `history` answers with, at most: the newest.
    static let historyLength = 10

    init(supervisor: SessionSupervisor, server: ControlServer, routineAccess: RoutineAccess, historyPath: String, logger: Logger) {
        self.supervisor = supervisor
        self.server = server
        self.routineAccess = routineAccess
        self.historyPath = historyPath
        self.logger = logger
    }

    /// Answers one line from a client.
    func answer(_ received: ControlServer.Received) {
        switch received.request {
        case .failure(let error):
            server.send(Self.failure(error.description), to: received.client)
        case .success(.status):
            server.send(statusReply, to: received.client)
        case .success(.watch):
            server.send(statusReply, to: received.client)
            server.watch(received.client)
        case .success(.history):
            // Unreadable lines skipped, as `stretchcue history` does; the file's name never sent.
            do {
                let entries = try History.load(from: historyPath).entries.suffix(Self.historyLength)
                server.send(.object([("ok", .bool(true)), ("history", .array(entries.map(\.json)))]), to: received.client)
            } catch {
                logger.error("history: \(error)")
                server.send(Self.failure("the history cannot be read; the box's log says why"), to: received.client)
            }
        case .success(var request):
            do {
                if case .start(let asked?, let resume, let length, let choices) = request {
                    // Never a file the box would read for them.
                    request = .start(routine: try routineAccess.resolve(asked), resume: resume, length: length, choices: choices)
                }
                try supervisor.perform(request)
                server.send(statusReply, to: received.client)
            } catch {
                server.send(Self.failure(error.description), to: received.client)
            }
        }
    }

    /// Carries out a button's request.
    func press(_ request: Request) {
        var request = request
        if request == .toggle, supervisor.status.state == .idle { request = .start(routine: nil, resume: false) }
        do {
            try supervisor.perform(request)
        } catch {
            logger.info("button: \(error)")
            supervisor.sayNothingPlays()
        }
        supervisor.publishStatus()
    }

    private var statusReply: JSON { .object([("ok", .bool(true)), ("status", supervisor.status.json)]) }

    private static func failure(_ message: String) -> JSON {
        .object([("ok", .bool(false)), ("error", .string(message))])
    }
}

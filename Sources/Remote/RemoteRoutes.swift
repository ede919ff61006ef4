import Playback
import Configuration
import SystemCalls

/// What the remote answers: every request checked by `RequestGuard`, then
/// refused unless the browser is paired (its cookie holds the secret),
/// except the pairing form itself and its style; every POST that changes
/// something carries the form token too.
///
/// - `GET /`: the remote, or the pairing form;
/// - `POST /pair`: `code`, the secret; sets the cookie;
/// - `GET /status`: the box's status, JSON (`{"status": ...}`, null when no box answers);
/// - `GET /events`: server-sent events, the status on every change;
/// - `POST /do`: `token`, `action` (one of `Page.actions`, or `start` with
///   `routine` and optional `length`, `rounds`, `hold`, `pace`, `breathing`): asks the box; a redirect back to
///   `/`, or the box's JSON reply when the request accepts JSON.
public final class RemoteRoutes: Sendable {
    private let pairing: Pairing
    private let requestGuard: RequestGuard
    private let feed: BoxFeed
    private let routines: @Sendable () -> [String]

    public init(pairing: Pairing, requestGuard: RequestGuard, feed: BoxFeed, routines: @escaping @Sendable () -> [String]) {
        self.pairing = pairing
        self.requestGuard = requestGuard
        self.feed = feed
        self.routines = routines
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        if let (status, reason) = requestGuard.refusal(request) { return .text(status, reason + "\n") }
        let paired = pairing.accepts(secret: request.cookies[Pairing.cookie])
        switch (request.method, request.path) {
        case ("GET", "/style.css"): return .text(200, Page.style, type: "text/css; charset=utf-8")
        case ("POST", "/pair"):
            guard pairing.accepts(secret: request.form["code"]) else {
                return .text(401, Page.pairing(code: nil, problem: "That is not the pairing secret."), type: Self.html)
            }
            var response = HTTPResponse.seeOther("/")
            response.headers.append(("Set-Cookie", pairing.cookieHeader))
            return response
        case ("GET", "/") where !paired:
            return .text(401, Page.pairing(code: request.query["code"], problem: nil), type: Self.html)
        case _ where !paired:
            return .text(401, "Not paired: open / and give the pairing secret.\n")
        case ("GET", "/"):
            // Asked of the box each time the page is made: the box's state folder is its own.
            let history = (try? UnixSocket.ask("history", at: feed.socket)).map(History.entries(inReply:)) ?? []
            let page = Page.remote(
                status: feed.status, routines: routines(), history: history, token: pairing.token, problem: request.query["problem"])
            return .text(200, page, type: Self.html)
        case ("GET", "/remote.js"): return .text(200, Page.script, type: "text/javascript; charset=utf-8")
        case ("GET", "/status"): return .text(feed.status == nil ? 503 : 200, "{\"status\":\(feed.status ?? "null")}\n", type: Self.json)
        case ("GET", "/events"): return .eventStream
        case ("POST", "/do"):
            guard pairing.accepts(token: request.form["token"]) else {
                return .text(403, "Refused: the form's token is missing or wrong; reload the page.\n")
            }
            return act(request)
        case (_, "/"), (_, "/status"), (_, "/events"), (_, "/do"), (_, "/pair"), (_, "/remote.js"), (_, "/style.css"):
            return .text(405, "Method not allowed.\n")
        default:
            return .text(404, "Not found.\n")
        }
    }

    /// Asks the box what the form says.
    private func act(_ request: HTTPRequest) -> HTTPResponse {
        let wantsJSON = request.headers["accept"]?.contains("application/json") == true
        func answer(_ status: UInt32, _ reply: String) -> HTTPResponse {
            if wantsJSON { return .text(status, reply + "\n", type: Self.json) }
            let problem = status == 200 ? "" : "?problem=" + Self.escaped(BoxStatus.error(in: reply) ?? "The box refused.")
            return .seeOther("/" + problem)
        }
        func refused(_ status: UInt32, _ reason: String) -> HTTPResponse {
            answer(status, "{\"ok\":false,\"error\":\(JSON.string(reason).text)}")
        }
        let line: String
        switch request.form["action"] {
        case "start":
            guard let routine = request.form["routine"], routines().contains(routine) else {
                return refused(400, "Choose one of the routines listed.")
            }
            // Each option one word (the box reads the line by spaces), checked as the box would.
            let chosen = ["length", "rounds", "hold", "pace", "breathing"].compactMap { name in
                request.form[name].flatMap { $0.isEmpty ? nil : (name, $0) }
            }
            guard chosen.allSatisfy({ !$0.1.contains(where: \.isWhitespace) }) else {
                return refused(400, "An option is one word, like 15m, 10 or 4:6.")
            }
            line = (["start", routine] + chosen.map { "--\($0.0) \($0.1)" }).joined(separator: " ")
            do { _ = try Request(line: line) } catch { return refused(400, error.description) }
        case let action?:
            guard let known = Page.actions.first(where: { $0.action == action }) else { return refused(400, "Unknown action.") }
            line = known.line
        case nil:
            return refused(400, "No action given.")
        }
        do {
            let reply = try UnixSocket.ask(line, at: feed.socket)
            return answer(reply.hasPrefix("{\"ok\":true") ? 200 : 409, reply)
        } catch {
            return refused(502, "The box does not answer: \(error.reason).")
        }
    }

    /// Text for a URL's query.
    private static func escaped(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            if (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) {
                result.append(Character(Unicode.Scalar(byte)))
            } else {
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }

    private static let html = "text/html; charset=utf-8"
    private static let json = "application/json"
}

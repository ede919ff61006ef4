/// One HTTP request as the remote's routes see it, and what they answer.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path without its query: `/status`.
    public var path: String
    /// The query's fields (`?code=...`).
    public var query: [String: String]
    /// Header values by lowercased name: `host`, `origin`, `accept`...
    public var headers: [String: String]
    /// Cookie values by name.
    public var cookies: [String: String]
    /// The body's form fields (application/x-www-form-urlencoded).
    public var form: [String: String]
    /// The client's address, as text.
    public var client: String

    public init(
        method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:],
        cookies: [String: String] = [:], form: [String: String] = [:], client: String = "127.0.0.1"
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.cookies = cookies
        self.form = form
        self.client = client
    }
}

/// An answer: a status, headers and a body, or an event stream that stays open.
public struct HTTPResponse: Sendable {
    public var status: UInt32
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Server-sent events from the box's changes instead of a body.
    public var isEventStream = false

    public init(status: UInt32, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A page or text of `type`.
    public static func text(_ status: UInt32, _ text: String, type: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", type)], body: Array(text.utf8))
    }

    /// A redirect after a form's POST, to a page that GET shows.
    public static func seeOther(_ location: String) -> HTTPResponse {
        HTTPResponse(status: 303, headers: [("Location", location)])
    }

    /// The stream `/events` answers with.
    public static var eventStream: HTTPResponse {
        var response = HTTPResponse(status: 200, headers: [("Content-Type", "text/event-stream"), ("X-Accel-Buffering", "no")])
        response.isEventStream = true
        return response
    }
}

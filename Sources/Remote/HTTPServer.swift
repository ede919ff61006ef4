import CMicroHTTPD
import Glibc
import SystemCalls

/// An HTTP server on GNU libmicrohttpd (loaded when the first server starts,
/// so no other command maps it): one internal thread polls every
/// connection with epoll, so a slow or silent client holds up no other;
/// connections are limited in number, per address and in idle time, and a
/// request's body in size. Each request is handed to `handle` whole.
public final class HTTPServer: @unchecked Sendable {
    /// The routes: called on the server's thread, so they must answer at once.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    private let handle: Handler
    /// What an event stream starts with (the box's status now).
    private let streamStart: @Sendable () -> [UInt8]
    private let streams: EventStreams
    private var daemon: OpaquePointer?
    /// The port listened on (the one asked for, or the one the system chose for 0).
    public let port: UInt16

    public static let connectionLimit: UInt32 = 1000
    public static let connectionsPerAddress: UInt32 = 64
    public static let idleSeconds: UInt32 = 15
    public static let bodyLimit = 8192

    /// Listens on `address:port` (IPv4) and serves.
    public init(
        address: String, port: UInt16, streams: EventStreams, streamStart: @escaping @Sendable () -> [UInt8],
        handle: @escaping Handler
    ) throws(SystemError) {
        self.handle = handle
        self.streamStart = streamStart
        self.streams = streams
        var reason = [CChar](repeating: 0, count: 256)
        guard stretchcue_mhd_load(&reason, reason.count) == 0 else {
            let text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw SystemError(call: "dlopen", path: "libmicrohttpd.so.12", errno: .noEntry, problem: "\(text); expected Debian's libmicrohttpd12")
        }
        let listener: Int32
        (listener, self.port) = try Self.listen(address: address, port: port)
        let context = Unmanaged.passUnretained(self).toOpaque()
        daemon = stretchcue_mhd_start(
            listener, Self.connectionLimit, Self.connectionsPerAddress, Self.idleSeconds, Self.access, context, Self.completed, nil)
        guard daemon != nil else {
            close(listener)
            throw SystemError(call: "MHD_start_daemon", path: "\(address):\(port)", errno: .ioError)
        }
    }

    /// A listening socket on `address:port`, and the port it got.
    private static func listen(address: String, port: UInt16) throws(SystemError) -> (Int32, UInt16) {
        let place = "\(address):\(port)"
        let listener = try SystemCall.retrying("socket", path: place) {
            socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        var on: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        do throws(SystemError) {
            guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else {
                throw SystemError(call: "inet_pton", path: place, errno: .invalidArgument)
            }
            let length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = try SystemCall.retrying("bind", path: place) {
                withUnsafePointer(to: &socketAddress) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
            }
            _ = try SystemCall.retrying("listen", path: place) { Glibc.listen(listener, 128) }
            var bound = sockaddr_in()
            var size = length
            _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &size) } }
            return (listener, UInt16(bigEndian: bound.sin_port))
        } catch {
            close(listener)
            throw error
        }
    }

    /// Ends the event streams and stops serving. libmicrohttpd closes the
    /// listening socket it was given as it stops (only one taken back with
    /// `MHD_quiesce_daemon` is the caller's to close): closing it here too
    /// closed a number another descriptor may have taken meanwhile, and a
    /// second server in the process then aborted ("Close socket failed").
    public func stop() {
        guard let daemon else { return }
        streams.endAll()
        stretchcue_mhd_stop_daemon(daemon)
        self.daemon = nil
    }

    deinit { stop() }

    /// A request's body as it arrives.
    private final class Upload {
        var body: [UInt8] = []
        var tooLarge = false
    }

    /// libmicrohttpd's handler: called once with the headers, then with
    /// each part of the body, then once more to answer.
    private static let access: MHD_AccessHandlerCallback = { context, connection, url, method, _, data, size, requestContext in
        guard let context, let connection, let url, let method, let size, let requestContext else { return .NO }
        let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
        guard let pending = requestContext.pointee else {
            requestContext.pointee = Unmanaged.passRetained(Upload()).toOpaque()
            return .YES
        }
        let upload = Unmanaged<Upload>.fromOpaque(pending).takeUnretainedValue()
        if size.pointee > 0 {
            if let data, upload.body.count + size.pointee <= bodyLimit {
                upload.body += UnsafeRawBufferPointer(start: data, count: size.pointee)
            } else {
                upload.tooLarge = true
            }
            size.pointee = 0
            return .YES
        }
        let response: HTTPResponse
        if upload.tooLarge {
            response = .text(413, "The request is too large.\n")
        } else {
            response = server.handle(request(connection, path: String(cString: url), method: String(cString: method), body: upload.body))
        }
        return server.queue(response, on: connection)
    }

    private static let completed: MHD_RequestCompletedCallback = { _, _, requestContext, _ in
        guard let pending = requestContext?.pointee else { return }
        Unmanaged<Upload>.fromOpaque(pending).release()
        requestContext?.pointee = nil
    }

    /// The request libmicrohttpd parsed, as the routes take it.
    private static func request(_ connection: OpaquePointer, path: String, method: String, body: [UInt8]) -> HTTPRequest {
        var request = HTTPRequest(method: method, path: path)
        request.headers = values(connection, .HEADER_KIND, lowercased: true)
        request.cookies = values(connection, .COOKIE_KIND, lowercased: false)
        request.query = values(connection, .GET_ARGUMENT_KIND, lowercased: false)
        if request.headers["content-type"]?.hasPrefix("application/x-www-form-urlencoded") == true {
            request.form = FormCoding.fields(String(decoding: body, as: UTF8.self))
        }
        var address = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        if stretchcue_mhd_client_address(connection, &address, socklen_t(address.count)) == 0 {
            request.client = String(decoding: address.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return request
    }

    private final class Collected { var values: [String: String] = [:]; let lowercased: Bool; init(_ lowercased: Bool) { self.lowercased = lowercased } }

    /// The headers, cookies or query fields of a connection's request; the first of a repeated name wins.
    private static func values(_ connection: OpaquePointer, _ kind: MHD_ValueKind, lowercased: Bool) -> [String: String] {
        let collected = Collected(lowercased)
        withExtendedLifetime(collected) {
            _ = stretchcue_mhd_get_connection_values(
                connection, kind,
                { context, _, key, value in
                    let collected = Unmanaged<Collected>.fromOpaque(context!).takeUnretainedValue()
                    guard let key else { return .YES }
                    let name = collected.lowercased ? String(cString: key).lowercased() : String(cString: key)
                    if collected.values[name] == nil { collected.values[name] = value.map { String(cString: $0) } ?? "" }
                    return .YES
                }, Unmanaged.passUnretained(collected).toOpaque())
        }
        return collected.values
    }

    private func queue(_ answer: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
        var answer = answer
        let response: OpaquePointer?
        if answer.isEventStream {
            guard let stream = streams.open(connection, first: streamStart()) else {
                return queue(.text(503, "Too many pages are open.\n"), on: connection)
            }
            response = stretchcue_mhd_create_response_from_callback(
                UInt64.max, 4096,
                { context, _, buffer, max in
                    let stream = Unmanaged<EventStreams.Stream>.fromOpaque(context!).takeUnretainedValue()
                    let server = stream.owner
                    return server.read(stream, into: UnsafeMutableRawBufferPointer(start: buffer, count: max))
                },
                Unmanaged.passRetained(stream).toOpaque(),
                { context in
                    let stream = Unmanaged<EventStreams.Stream>.fromOpaque(context!).takeRetainedValue()
                    stream.owner.close(stream)
                })
        } else {
            response = answer.body.withUnsafeMutableBytes {
                stretchcue_mhd_create_response_from_buffer($0.count, $0.baseAddress, .RESPMEM_MUST_COPY)
            }
        }
        guard let response else { return .NO }
        defer { stretchcue_mhd_destroy_response(response) }
        for (name, value) in answer.headers + Self.alwaysHeaders { stretchcue_mhd_add_response_header(response, name, value) }
        return stretchcue_mhd_queue_response(connection, answer.status, response)
    }

    /// Headers on every answer: nothing cached, framed, sniffed or taken from
    /// elsewhere. The referrer goes to this site only: with none at all, a
    /// browser sends `Origin: null` with a form, which the guard refuses.
    private static let alwaysHeaders = [
        ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    ]
}

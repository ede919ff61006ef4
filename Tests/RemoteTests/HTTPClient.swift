import Foundation

/// A plain HTTP/1.1 client over a TCP socket, as a browser or an attacker
/// would speak: one request a connection, from a chosen local address.
struct HTTPClient {
    var port: UInt16
    /// The local address to send from (any of 127.0.0.0/8 reaches the remote).
    var from = "127.0.0.1"

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    struct Failed: Error, CustomStringConvertible { var description: String }

    /// A connected socket to the remote, from `from`.
    func connect(timeout: Duration = .seconds(5)) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, from, &local.sin_addr)
        _ = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr)
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw Failed(description: "connect from \(from): \(String(cString: strerror(errno)))")
        }
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        return descriptor
    }

    /// The request as the remote's own page would send it (Host and, for a POST, Origin of the remote).
    func send(
        _ method: String, _ path: String, cookie: String? = nil, form: [String: String]? = nil, headers: [String: String] = [:],
        timeout: Duration = .seconds(5)
    ) throws -> Reply {
        var fields = ["Host": "127.0.0.1:\(port)", "Connection": "close"]
        if method == "POST" { fields["Origin"] = "http://127.0.0.1:\(port)" }
        if let cookie { fields["Cookie"] = cookie }
        var body = ""
        if let form {
            body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
            fields["Content-Type"] = "application/x-www-form-urlencoded"
            fields["Content-Length"] = "\(body.utf8.count)"
        }
        for (name, value) in headers { fields[name] = value }
        var text = "\(method) \(path) HTTP/1.1\r\n"
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) where !value.isEmpty { text += "\(name): \(value)\r\n" }
        text += "\r\n" + body
        let descriptor = try connect(timeout: timeout)
        defer { close(descriptor) }
        _ = Array(text.utf8).withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return try Self.reply(readAll(descriptor))
    }

    /// Everything the other end sends until it closes (or the timeout).
    func readAll(_ descriptor: Int32) -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return received }
            received += chunk[0..<count]
        }
    }

    static func reply(_ bytes: [UInt8]) throws -> Reply {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failed(description: "no whole reply: \(text.debugDescription)") }
        let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
        guard let status = head.first?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw Failed(description: "no status line: \(text.debugDescription)")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Reply(status: status, headers: headers, body: String(text[split.upperBound...]))
    }
}

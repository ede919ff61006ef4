import Configuration
import FuzzDriver
import Glibc
import Service

// The control socket's whole read and answer path, on a real socket: the
// input, cut into separate writes at each 0xFF byte, is what one client
// sends before closing its side. The server must take it whole lines at a
// time, answer every request, drop the client once answered, and write
// only JSON lines; no input may keep it busy for more than a few thousand turns.
nonisolated(unsafe) let server = try! ControlServer(path: scratchFolder("socket") + "/box.sock")

/// A connection to the server, non-blocking.
func connectClient() -> Int32 {
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(server.path.utf8)) }
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    precondition(connected == 0, "connect: \(errno)")
    _ = fcntl(descriptor, F_SETFL, O_NONBLOCK)
    return descriptor
}

/// One turn of the server, each request answered as the daemon would, with one line.
func turn() -> Int {
    var pollers = server.pollDescriptors
    _ = poll(&pollers, nfds_t(pollers.count), 0)
    let received = server.handle(pollers)
    for request in received {
        let line: JSON =
            switch request.request {
            case .success(let request): .object([("ok", .bool(true)), ("line", request.line.map(JSON.string) ?? .null)])
            case .failure(let error): .object([("ok", .bool(false)), ("error", .string(error.description))])
            }
        server.send(line, to: request.client)
    }
    return received.count
}

runFuzzer { data, size in
    let writes = Array(bytes(data, size)).split(separator: 0xFF, omittingEmptySubsequences: false)
    let client = connectClient()
    defer { close(client) }
    var answers: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    var requests = 0
    var closed = false
    var turns = 0
    func readAnswers() {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if count == 0 { closed = true }
            guard count > 0 else { return }
            answers += buffer[0..<count]
        }
    }
    for write in writes {
        var sent = 0
        while sent < write.count && !closed {
            let count = Array(write).withUnsafeBytes { send(client, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if count > 0 { sent += count } else if errno != EAGAIN { break }
            requests += turn()
            readAnswers()
            turns += 1
            precondition(turns < 10_000, "the server stopped taking input")
        }
    }
    shutdown(client, Int32(SHUT_WR))
    while !closed {
        requests += turn()
        readAnswers()
        turns += 1
        precondition(turns < 10_000, "a client that closed its side was never answered and let go")
    }
    precondition(server.clientCount == 0, "a client left behind")
    let lines = answers.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    precondition(answers.isEmpty || answers.last == UInt8(ascii: "\n"), "an answer cut short")
    precondition(lines.dropLast().allSatisfy { $0.first == UInt8(ascii: "{") && $0.last == UInt8(ascii: "}") }, "not a JSON line")
    // Every request answered; at most one more line, the refusal of a broken line.
    precondition(lines.count - 1 == requests || lines.count - 1 == requests + 1, "\(requests) requests, \(lines.count - 1) answers")
    return 0
}

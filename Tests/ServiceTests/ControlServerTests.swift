import Foundation
import Service
import TestSupport
import Testing

/// The control socket with real clients on a real Unix socket: many at
/// once, broken ones dropped, silent ones let go, watchers sent every event
/// in order, and no client able to hold up another.
@Suite struct ControlServerTests {
    let folder = Repository.temporaryFolder("stretchcue-socket")

    /// A client: a non-blocking connection, and what it has read.
    final class Client {
        let descriptor: Int32
        var received: [UInt8] = []
        var closed = false

        init(_ path: String) throws {
            descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            try #require(connected == 0, "connect: \(String(cString: strerror(errno)))")
            _ = fcntl(descriptor, F_SETFL, O_NONBLOCK)
        }

        deinit { close(descriptor) }

        func send(_ text: String) { send(Array(text.utf8)) }
        func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }

        /// Reads what is there now.
        func read() {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count == 0 { closed = true }
                guard count > 0 else { return }
                received += buffer[0..<count]
            }
        }

        var lines: [String] { String(decoding: received, as: UTF8.self).split(separator: "\n").map(String.init) }
    }

    /// Runs the server (once at least) until `done` says so; each request is answered with
    /// its own line. Fails after `limit` (a hang is a failure, not a wait).
    func serve(
        _ server: ControlServer, clients: [Client], limit: Duration = .seconds(10), answer: Bool = true,
        until done: () -> Bool
    ) -> [ControlServer.Received] {
        var received: [ControlServer.Received] = []
        let start = ContinuousClock.now
        // Once at least, then until done.
        repeat {
            guard ContinuousClock.now - start < limit else {
                Issue.record("the server did not get there within \(limit)")
                break
            }
            var pollers = server.pollDescriptors
            _ = poll(&pollers, nfds_t(pollers.count), 10)
            for request in server.handle(pollers) {
                received.append(request)
                if (try? request.request.get()) == .watch { server.watch(request.client) }
                guard answer else { continue }
                let line = (try? request.request.get()).map(\.line) ?? "refused"
                server.send(.object([("ok", .bool(true)), ("line", .string(line))]), to: request.client)
            }
            for client in clients { client.read() }
        } while !done()
        return received
    }

    @Test func sixtyFourClientsAtOnceEachGetTheirAnswer() throws {
        let server = try ControlServer(path: folder + "/box.sock")
        let clients = try (0..<64).map { _ in try Client(server.path) }
        for (index, client) in clients.enumerated() { client.send(index % 2 == 0 ? "status\n" : "volume -\(index % 40)\n") }
        _ = serve(server, clients: clients) { clients.allSatisfy { $0.lines.count == 1 } }
        for (index, client) in clients.enumerated() {
            let expected = index % 2 == 0 ? "status" : ControlRequest.volume(-(index % 40)).line
            #expect(client.lines == [#"{"ok":true,"line":"\#(expected)"}"#])
        }
        #expect(server.clientCount == 64)
    }

    @Test func brokenClientsGetAnErrorAndAreDroppedOthersGoOn() throws {
        let server = try ControlServer(path: folder + "/box.sock")
        let long = try Client(server.path)
        let binary = try Client(server.path)
        let silent = try Client(server.path)
        let good = try Client(server.path)
        long.send(String(repeating: "x", count: 5000))
        binary.send([0x70, 0x00, 0xFF, 0x0A])
        good.send("pause\nnext\r\nbogus\n")
        let clients = [long, binary, silent, good]
        _ = serve(server, clients: clients) { long.closed && binary.closed && good.lines.count == 3 }
        #expect(long.lines.first?.contains("a line longer than 4096 bytes") == true)
        #expect(binary.lines.first?.contains("not UTF-8 text") == true)
        #expect(good.lines == [#"{"ok":true,"line":"pause"}"#, #"{"ok":true,"line":"next"}"#, #"{"ok":true,"line":"refused"}"#])
        #expect(!silent.closed && server.clientCount == 2)
    }

    @Test func aSilentClientIsLetGoAfterTheIdleTime() throws {
        let server = try ControlServer(path: folder + "/box.sock", idleTimeout: .milliseconds(300))
        let silent = try Client(server.path)
        let watcher = try Client(server.path)
        watcher.send("watch\n")
        _ = serve(server, clients: [silent, watcher], answer: false) { silent.closed }
        // A watcher says nothing, and stays.
        server.broadcast(.object([("event", .string("still here"))]))
        _ = serve(server, clients: [watcher]) { watcher.lines.count == 1 }
        #expect(!watcher.closed && server.clientCount == 1)
    }

    @Test func watchersReceiveEveryEventInOrderAndAStuckOneIsDropped() throws {
        let server = try ControlServer(path: folder + "/box.sock", outputLimit: 64 * 1024)
        let reading = try Client(server.path)
        let stuck = try Client(server.path)
        reading.send("watch\n")
        stuck.send("watch\n")
        _ = serve(server, clients: [], answer: false) { server.watcherCount == 2 }
        // 20,000 events: far more than the stuck client's socket and its limit hold.
        for index in 0..<20_000 {
            server.broadcast(.object([("event", .number(Double(index)))]))
            if index % 100 == 0 { _ = serve(server, clients: [reading], answer: false) { true } }
        }
        _ = serve(server, clients: [reading], answer: false) { reading.lines.count >= 20_000 }
        #expect(reading.lines.count == 20_000)
        #expect(reading.lines.enumerated().allSatisfy { $0.element == #"{"event":\#($0.offset)}"# })
        stuck.read()
        #expect(stuck.closed && server.clientCount == 1)
    }

    @Test func aStaleSocketIsReplacedAndAFileIsNot() throws {
        let path = folder + "/box.sock"
        do { _ = try ControlServer(path: path) }
        // The first server is gone; its socket file would be left behind by a crash.
        let again = try ControlServer(path: path)
        #expect(again.path == path)
        let file = folder + "/not-a-socket"
        try "keep me".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try ControlServer(path: file) }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep me")
    }
}

import Foundation
import Service
import TestSupport
import Testing

/// The control socket with real clients on a real Unix socket: many at
/// once, broken ones dropped, silent ones let go, watchers sent every event
/// in order, and no client able to hold up another.
@Suite struct ControlServerTests {
    let folder = Repository.temporaryFolder("stretchcue-socket")

    typealias Client = SocketClient

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
                let line = (try? request.request.get())?.line ?? "refused"
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
            let expected = index % 2 == 0 ? "status" : "volume -\(index % 40)"
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

    @Test func aClientThatClosesItsSideIsAnsweredThenClosed() throws {
        let server = try ControlServer(path: folder + "/box.sock")
        let clients = try (0..<20).map { _ in try Client(server.path) }
        for (index, client) in clients.enumerated() {
            // The last line unfinished on some, as `printf status` sends it.
            client.send(index % 2 == 0 ? "status\n" : "pause\nstatus")
            client.finishSending()
        }
        _ = serve(server, clients: clients) { clients.allSatisfy(\.closed) }
        for (index, client) in clients.enumerated() {
            let expected = index % 2 == 0 ? ["status"] : ["pause", "status"]
            #expect(client.lines == expected.map { #"{"ok":true,"line":"\#($0)"}"# }, "client \(index)")
        }
        #expect(server.clientCount == 0)
    }

    @Test func clientsHoldingLinesUnfinishedCannotTakeEverySlot() throws {
        let server = try ControlServer(path: folder + "/box.sock", partialLineTimeout: .milliseconds(500))
        // Each sends a byte now and then: never a whole request.
        var slow: [Client] = []
        // In batches the listen queue holds, accepted before the next.
        while slow.count < ControlServer.clientLimit {
            let batch = try (0..<32).map { _ in try Client(server.path) }
            for client in batch { client.send("s") }
            slow += batch
            _ = serve(server, clients: []) { server.clientCount == slow.count }
        }
        for client in slow { client.send("t") }
        // The table is full, and a newcomer is still answered at once.
        let newcomer = try Client(server.path)
        newcomer.send("status\n")
        let received = serve(server, clients: [newcomer], limit: .seconds(1)) { newcomer.lines.count == 1 }
        #expect(received.count == 1 && newcomer.lines == [#"{"ok":true,"line":"status"}"#])
        #expect(server.clientCount == ControlServer.clientLimit)
        // A line left unfinished past its time is refused: its bytes do not keep a client in.
        _ = serve(server, clients: slow) { slow.allSatisfy(\.closed) }
        let refused = slow.filter { $0.lines.first?.contains("a line left unfinished") == true }
        // All but the one that made room for the newcomer.
        #expect(refused.count == ControlServer.clientLimit - 1)
        #expect(server.clientCount == 1)
    }

    @Test func clientsThatFloodTakeTurnsWithTheOthers() throws {
        let server = try ControlServer(path: folder + "/box.sock")
        let flooders = try (0..<4).map { _ in try Client(server.path) }
        let burst = String(repeating: "status\n", count: 2000)
        // As much as each socket takes: far more requests than a turn's.
        for client in flooders { client.send(burst) }
        _ = serve(server, clients: flooders) { flooders.allSatisfy { !$0.lines.isEmpty } }
        let quiet = try Client(server.path)
        quiet.send("status\n")
        var heardBefore = 0
        _ = serve(server, clients: flooders + [quiet]) {
            if quiet.lines.isEmpty { heardBefore = flooders.map(\.lines.count).reduce(0, +) }
            return !quiet.lines.isEmpty
        }
        #expect(quiet.lines == [#"{"ok":true,"line":"status"}"#])
        // Answered within a couple of turns, not after every flooder's backlog.
        let turn = flooders.count * ControlServer.requestsPerTurn
        #expect(heardBefore <= 4 * turn, "\(heardBefore) answers to the flooders went first")
    }

    @Test(arguments: [("nogroup", true), ("root", false)])
    func onlyTheSocketsGroupGetsInWhateverTheMode(group: String, admitted: Bool) throws {
        let gid = try #require(getgrnam(group)).pointee.gr_gid
        let server = try ControlServer(path: folder + "/box.sock", group: gid, mode: 0o666)
        chmod(folder, 0o755)
        // `nobody`, whose own group is `nogroup`, asks through the real client.
        let other = Process()
        other.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        other.arguments = [
            "--reuid=nobody", "--regid=nogroup", "--clear-groups", Repository.products + "/stretchcue", "ctl", "status",
            "--socket", server.path,
        ]
        other.standardError = FileHandle.nullDevice
        other.standardOutput = FileHandle.nullDevice
        try #require(getuid() == 0, "acting as another user needs root")
        try other.run()
        let received = serve(server, clients: [], until: { !other.isRunning })
        other.waitUntilExit()
        #expect(received.count == (admitted ? 1 : 0), "group \(group)")
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

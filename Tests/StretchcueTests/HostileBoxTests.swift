import Foundation
import TestSupport
import Testing

/// The box as a hostile member of its socket's group meets it: a box on
/// ALSA's `null` device (no sound server needed), asked to read files it
/// should not, sent half-closed requests, held by slow clients, flooded.
/// Whatever they do, `ctl status` is answered at once and no reply quotes
/// a file.
@Suite(.serialized) struct HostileBoxTests {
    @Test func aClientCannotHaveTheBoxReadAFileForIt() throws {
        let box = try Box(device: #""null""#)
        defer { box.tearDown() }
        let outsideFolder = Repository.temporaryFolder("stretchcue-outside")
        defer { try? FileManager.default.removeItem(atPath: outsideFolder) }
        let secret = outsideFolder + "/shadow"
        try "root:*:hunter2:0:99999:7:::\n".write(toFile: secret, atomically: true, encoding: .utf8)
        chmod(secret, 0o600)
        // A routine in the box's own folder that does not load: its place is said, not its text.
        try "name: Broken\nsecret: hunter2\n".write(toFile: box.folder + "/broken.yaml", atomically: true, encoding: .utf8)
        try box.start()

        let outside = try Program.run(["ctl", "start", secret, "--socket", box.socket])
        let missing = try Program.run(["ctl", "start", outsideFolder + "/missing", "--socket", box.socket])
        let climbing = try Program.run(["ctl", "start", box.folder + "/../" + (outsideFolder as NSString).lastPathComponent + "/shadow", "--socket", box.socket])
        let broken = try Program.run(["ctl", "start", "broken", "--socket", box.socket])
        for refused in [outside, missing, climbing, broken] {
            #expect(refused.status == 4, "\(refused.error)")
            #expect(!(refused.output + refused.error).contains("hunter2"), "\(refused.error)")
        }
        #expect(outside.error.contains("no routine '\(secret)' the box may play"), "\(outside.error)")
        // Missing or unreadable: the same words.
        #expect(missing.error.replacingOccurrences(of: "missing", with: "shadow") == outside.error)
        #expect(broken.error.contains("broken.yaml:2:1: cannot be played; the box's log says why"), "\(broken.error)")
        #expect(try box.ctl("status").hasPrefix("idle"))
        let log = try box.stop()
        #expect(log.contains("secret"), "the log has the whole reason: \(log)")
    }

    @Test func everyHalfClosedRequestIsAnswered() throws {
        let box = try Box(device: #""null""#)
        defer { box.tearDown() }
        try box.start()
        for index in 0..<20 {
            let client = try SocketClient(box.socket)
            client.send("status\n")
            client.finishSending()
            #expect(client.readUntilClosed(limit: .seconds(2)), "request \(index) left open")
            #expect(client.lines.count == 1 && client.lines[0].hasPrefix(#"{"ok":true,"status":{"state":"idle""#), "request \(index): \(client.lines)")
        }
    }

    @Test func slowClientsInEverySlotDoNotShutOutTheNext() throws {
        let box = try Box(device: #""null""#)
        defer { box.tearDown() }
        try box.start()
        // Each is answered once (so it has its slot), then sends a byte of a next request.
        let slow = try (0..<128).map { _ in try SocketClient(box.socket) }
        for client in slow {
            client.send("status\n")
            #expect(client.readLines(1, limit: .seconds(5)))
            client.send("s")
        }
        let took = try Self.idleStatusTime(of: box)
        #expect(took < .seconds(1), "ctl status took \(took)")
    }

    @Test func fourFloodingClientsDoNotStarveTheNext() throws {
        let box = try Box(device: #""null""#)
        defer { box.tearDown() }
        try box.start()
        let flooders = try (0..<4).map { _ in try SocketClient(box.socket) }
        let burst = Array(String(repeating: "status\n", count: 4096).utf8)
        let flooding = Flood(flooders, burst: burst)
        defer { flooding.stop() }
        // Flooding for real before asking: every flooder has had answers.
        let start = ContinuousClock.now
        while flooding.answered < 4 * 100 && ContinuousClock.now - start < .seconds(10) { usleep(1000) }
        #expect(flooding.answered >= 4 * 100, "the flood never got going")
        for _ in 0..<5 {
            let took = try Self.idleStatusTime(of: box)
            #expect(took < .seconds(1), "ctl status took \(took) beside four flooding clients")
        }
    }

    /// How long `ctl status` took to be answered by `box`, which it finds idle.
    static func idleStatusTime(of box: Box) throws -> Duration {
        let asked = ContinuousClock.now
        let status = try Program.run(["ctl", "status", "--socket", box.socket])
        let took = ContinuousClock.now - asked
        #expect(status.status == 0 && status.output.hasPrefix("idle"), "\(status.error)")
        return took
    }

    /// A FIFO where the saved place and the history belong does not hang
    /// the box: `start --resume` starts from the beginning at once, the
    /// session's end is not written to it, and the box answers on.
    @Test func aFIFOForThePlaceOrTheHistoryDoesNotHangTheBox() throws {
        let box = try Box(device: #""null""#)
        defer { box.tearDown() }
        try FileManager.default.createDirectory(atPath: box.folder + "/state", withIntermediateDirectories: true)
        #expect(mkfifo(box.folder + "/state/place.yaml", 0o600) == 0 && mkfifo(box.folder + "/state/history.jsonl", 0o600) == 0)
        try box.start()
        let asked = ContinuousClock.now
        let started = try Program.run(["ctl", "start", "--resume", "--socket", box.socket], timeout: 2)
        #expect(started.status == 0, "\(started.error)")
        // On the null device the session plays faster than real time, to its end.
        try box.waitFor(limit: 10) { $0.hasPrefix("idle") }
        #expect(ContinuousClock.now - asked < .seconds(10))
        let history = try Program.run(["history", "--config", box.config], timeout: 2)
        #expect(history.status != 0 && history.error.contains("history.jsonl") && history.error.contains("FIFO"), "\(history.error)")
        let log = try box.stop()
        #expect(log.contains("place.yaml") && log.contains("FIFO"), "\(log)")
    }

    /// Journal lines (a priority prefix) only on the journal's own stream:
    /// a `JOURNAL_STREAM` inherited by a program whose output went elsewhere
    /// leaves its lines plain.
    @Test(arguments: [true, false]) func journalLinesOnlyOnTheJournalsStream(journal: Bool) throws {
        let box = try Box(device: #""null""#)
        defer { box.tearDown() }
        try box.start(environment: journal ? [:] : ["JOURNAL_STREAM": "8:12345"], journal: journal)
        let log = try box.stop().split(separator: "\n")
        let listening = try #require(log.first { $0.contains("listening on ") })
        #expect(listening.hasPrefix("<5>listening on ") == journal, "\(listening)")
    }
}

/// Clients that send requests as fast as the box takes them, reading the
/// answers so as never to be dropped for not reading, on a thread of their own.
private final class Flood: @unchecked Sendable {
    private let clients: [SocketClient]
    private let burst: [UInt8]
    private let lock = NSLock()
    private var running = true
    private var lines = 0
    private var thread: Thread?

    init(_ clients: [SocketClient], burst: [UInt8]) {
        self.clients = clients
        self.burst = burst
        let thread = Thread { [self] in run() }
        self.thread = thread
        thread.start()
    }

    var answered: Int { lock.withLock { lines } }

    func stop() { lock.withLock { running = false } }

    private func run() {
        var offsets = [Int](repeating: 0, count: clients.count)
        while lock.withLock({ running }) {
            var pollers = clients.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN | POLLOUT), revents: 0) }
            _ = poll(&pollers, nfds_t(pollers.count), 10)
            for (index, client) in clients.enumerated() {
                let sent = client.send(Array(burst[offsets[index]...]))
                offsets[index] = (offsets[index] + sent) % burst.count
                client.read()
                let count = client.received.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
                client.clear()
                lock.withLock { lines += count }
            }
        }
    }
}

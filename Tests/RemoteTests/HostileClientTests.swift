import Foundation
import Remote
import Testing

/// Clients that are slow, silent, flooding or talking nonsense hold up no
/// paired browser; a change of the box reaches the pages at once.
@Suite(.serialized) struct HostileClientTests {
    @Test func twoHundredSlowClientsDoNotHoldUpAPairedOne() throws {
        let remote = try RemoteUnderTest()
        #expect(remote.waitForWatch())
        // 50 from each of four addresses (within the per-address limit), each sending a request a byte at a time.
        let request = Array("GET /status HTTP/1.1\r\nHost: 127.0.0.1:\(remote.port)\r\n".utf8)
        var slow: [Int32] = []
        defer { for descriptor in slow { close(descriptor) } }
        for index in 0..<200 {
            var client = remote.client
            client.from = "127.0.0.\(2 + index % 4)"
            slow.append(try client.connect())
        }
        var longest = Duration.zero
        for round in 0..<40 {
            for descriptor in slow {
                _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress! + round % request.count, 1, Int32(MSG_NOSIGNAL)) }
            }
            let asked = ContinuousClock.now
            let reply = try remote.client.send("GET", "/status", cookie: remote.cookie, timeout: .seconds(2))
            longest = max(longest, ContinuousClock.now - asked)
            #expect(reply.status == 200 && reply.body.contains("\"state\":\"playing\""))
        }
        #expect(longest < .milliseconds(250), "the longest /status took \(longest) beside 200 slow clients")
        // They were all still held open, not turned away.
        var open = 0
        for descriptor in slow {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 0) == 0 { open += 1 }
        }
        #expect(open == 200)
    }

    @Test func aPageHearsOfTheBoxsChangeWithin200Milliseconds() throws {
        let remote = try RemoteUnderTest()
        #expect(remote.waitForWatch())
        let stream = try remote.client.connect()
        defer { close(stream) }
        let request = "GET /events HTTP/1.1\r\nHost: 127.0.0.1:\(remote.port)\r\nCookie: \(remote.cookie)\r\nAccept: text/event-stream\r\n\r\n"
        _ = Array(request.utf8).withUnsafeBytes { send(stream, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received = ""
        func readUntil(_ text: String, limit: Duration) -> Bool {
            let deadline = ContinuousClock.now + limit
            var chunk = [UInt8](repeating: 0, count: 65536)
            while !received.contains(text) && ContinuousClock.now < deadline {
                var poller = pollfd(fd: stream, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, 10) > 0 else { continue }
                let count = chunk.withUnsafeMutableBytes { recv(stream, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { return false }
                received += String(decoding: chunk[0..<count], as: UTF8.self)
            }
            return received.contains(text)
        }
        #expect(readUntil("\"pose\":1,", limit: .seconds(2)), "the stream starts with the status: \(received)")
        #expect(received.contains("text/event-stream"))
        for pose in 2...4 {
            let changed = ContinuousClock.now
            remote.box.push(FakeBox.playing.replacingOccurrences(of: "\"pose\":1,", with: "\"pose\":\(pose),"))
            #expect(readUntil("\"pose\":\(pose),", limit: .milliseconds(200)), "pose \(pose) not sent within 200 ms")
            #expect(ContinuousClock.now - changed < .milliseconds(200))
        }
    }

    @Test func anAddressAskingTooFastIsRefusedAndNoOtherIs() throws {
        let remote = try RemoteUnderTest(requestsPerSecond: 5)
        var flooder = remote.client
        flooder.from = "127.0.0.7"
        var statuses: [Int] = []
        for _ in 0..<30 { statuses.append(try flooder.send("GET", "/status", cookie: remote.cookie).status) }
        #expect(statuses.contains(429), "\(statuses)")
        #expect(statuses.prefix(10).allSatisfy { $0 != 429 }, "its first ten (twice its rate, at once) go through: \(statuses)")
        #expect(try remote.client.send("GET", "/status", cookie: remote.cookie).status != 429)
    }

    @Test func garbageIsRefusedAndOthersAnswered() throws {
        let remote = try RemoteUnderTest()
        #expect(remote.waitForWatch())
        let garbage = try remote.client.connect()
        defer { close(garbage) }
        let noise = (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
        _ = noise.withUnsafeBytes { send(garbage, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        let answer = String(decoding: remote.client.readAll(garbage), as: UTF8.self)
        #expect(answer.isEmpty || answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(80))")
        let tooLarge = try remote.client.send(
            "POST", "/do", cookie: remote.cookie, form: ["token": remote.pairing.token, "action": String(repeating: "x", count: 10_000)])
        #expect(tooLarge.status == 413)
        #expect(try remote.client.send("GET", "/status", cookie: remote.cookie).status == 200)
        #expect(remote.box.lines.isEmpty)
    }
}

import Foundation
import Remote

/// The remote, in this process, on a free port of 127.0.0.1, speaking to `box`.
final class RemoteUnderTest {
    let box: FakeBox
    let pairing = Pairing.random()
    let server: HTTPServer
    let port: UInt16

    init(box: FakeBox = FakeBox(), requestsPerSecond: Int = 1000) throws {
        self.box = box
        port = try Self.freePort()
        let streams = EventStreams()
        let feed = BoxFeed(socket: box.path, streams: streams)
        let routes = RemoteRoutes(
            pairing: pairing, requestGuard: RequestGuard(port: port, requestsPerSecond: requestsPerSecond), feed: feed,
            routines: { ["back-tension", "evening"] })
        server = try HTTPServer(address: "127.0.0.1", port: port, streams: streams, streamStart: feed.event, handle: routes.handle)
        feed.start()
    }

    deinit { server.stop() }

    var client: HTTPClient { HTTPClient(port: port) }
    /// The cookie a paired browser sends.
    var cookie: String { "\(Pairing.cookie)=\(pairing.secret)" }

    /// Waits until the remote watches the box (and so knows its status), up to `limit`.
    func waitForWatch(limit: Duration = .seconds(5)) -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if box.watcherCount > 0, (try? client.send("GET", "/status", cookie: cookie).status) == 200 { return true }
            usleep(10_000)
        }
        return false
    }

    /// A port nothing listens on now.
    private static func freePort() throws -> UInt16 {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe, $0, &length) } }
        return UInt16(bigEndian: address.sin_port)
    }
}

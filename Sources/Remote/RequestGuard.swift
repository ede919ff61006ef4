import Glibc
import Synchronization

/// The checks every request passes before the routes see it:
/// - its Host names this machine, by an address, `localhost` or the
///   machine's own name (`NAME` or `NAME.local`), and the port listened on,
///   so that a page of another site whose name was pointed at this machine
///   (DNS rebinding) is refused;
/// - a POST comes from this site's own pages (its Origin, else its
///   Referer, is `http://` and that Host), so another site cannot post
///   for a browser that is paired;
/// - no address asks more than `rate` times a second on average (twice
///   that at once): one that does is refused at once, holding up no one.
public final class RequestGuard: Sendable {
    private let port: UInt16
    private let machineNames: Set<String>
    private let rate: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    private struct Bucket {
        var tokens: Double
        var last: ContinuousClock.Instant
    }

    public init(port: UInt16, requestsPerSecond: Int, hostName: String = RequestGuard.hostName) {
        self.port = port
        rate = Double(requestsPerSecond)
        let name = hostName.lowercased()
        machineNames = name.isEmpty ? ["localhost"] : ["localhost", name, name + ".local"]
    }

    /// This machine's name.
    public static var hostName: String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "" }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Why `request` is refused, with the HTTP status; `nil` when it may go on.
    public func refusal(_ request: HTTPRequest) -> (status: UInt32, reason: String)? {
        guard let host = request.headers["host"], admits(host: host) else {
            return (421, "This address is not the remote's; use its IP address or the machine's name.")
        }
        if request.method != "GET" && request.method != "HEAD" {
            let site = "http://" + host
            let from = request.headers["origin"] ?? request.headers["referer"].map { referer in
                referer.hasPrefix(site + "/") ? site : referer
            }
            guard from == site, request.headers["sec-fetch-site"].map({ $0 == "same-origin" || $0 == "none" }) ?? true else {
                return (403, "Refused: the request did not come from the remote's own page.")
            }
        }
        guard take(for: request.client) else { return (429, "Too many requests; slow down.") }
        return nil
    }

    /// Whether a Host header names this machine and the port listened on.
    func admits(host: String) -> Bool {
        let name: Substring
        let portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            name = host[host.index(after: host.startIndex)..<close]
            let rest = host[host.index(after: close)...]
            portText = rest.isEmpty ? nil : rest.hasPrefix(":") ? rest.dropFirst() : "bad"
            guard name.contains(":") else { return false }
        } else {
            let parts = host.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            name = parts[0]
            portText = parts.count > 1 ? parts[1] : nil
            let isAddress = name.split(separator: ".", omittingEmptySubsequences: false).count == 4
                && name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { UInt8($0) != nil }
            guard isAddress || machineNames.contains(name.lowercased()) else { return false }
        }
        return (portText.map { UInt16($0) } ?? 80) == port
    }

    /// Takes one request from `client`'s allowance; false when it has none left.
    private func take(for client: String) -> Bool {
        let now = ContinuousClock.now
        return buckets.withLock { buckets in
            // Many addresses at once (a scan, a spoofing flood): all start afresh rather than memory growing.
            if buckets.count > 4096 { buckets.removeAll() }
            var bucket = buckets[client] ?? Bucket(tokens: 2 * rate, last: now)
            let elapsed = now - bucket.last
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(2 * rate, bucket.tokens + seconds * rate)
            bucket.last = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[client] = bucket
            return allowed
        }
    }
}

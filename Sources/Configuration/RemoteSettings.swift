/// The remote's settings (`stretchcue remote`), the config's `remote:`
/// section: where it listens and how many requests a second one address
/// may make.
public struct RemoteSettings: Sendable, Equatable {
    /// An IPv4 address and a port: only this machine by default; "0.0.0.0" opens it to the LAN.
    public var address = "127.0.0.1"
    public var port: UInt16 = 8080
    /// Requests a second one address may make, on average, before it is refused (twice as many at once).
    public var requestsPerSecond = 50

    public init() {}

    /// The keys the section may have.
    public static let keys = ["listen", "requests_per_second"]
    public static let rates = 1...100_000

    /// `address:port`, as the config writes it.
    public var listen: String { "\(address):\(port)" }

    /// Reads `ADDRESS:PORT` (`0.0.0.0:8080`); `nil` unless an IPv4 address and a port from 1 to 65535.
    public static func parse(listen text: String) -> (address: String, port: UInt16)? {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]), port > 0 else { return nil }
        let address = String(text[..<colon])
        let parts = address.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ $0.count <= 3 && UInt8($0) != nil }) else { return nil }
        return (address, port)
    }
}

import Glibc
import SystemCalls

/// The remote's pairing secret and its form token, kept in a file only its
/// owner may read, made the first time: the page asks for the secret once
/// and keeps it in a cookie; the token goes with every form that changes
/// something, so that another site cannot post for a paired browser.
public struct Pairing: Sendable, Equatable {
    /// What a person types: 16 letters and digits none of which looks like another.
    public let secret: String
    /// Sent in every page's forms, checked on every POST.
    public let token: String

    public init(secret: String, token: String) {
        self.secret = secret
        self.token = token
    }

    /// The cookie that carries the secret.
    public static let cookie = "stretchcue_pair"
    private static let letters = Array("abcdefghjkmnpqrstuvwxyz23456789")

    /// A new random pairing (the system's secure random numbers).
    public static func random() -> Pairing {
        var generator = SystemRandomNumberGenerator()
        let secret = String((0..<16).map { _ in letters.randomElement(using: &generator)! })
        let token = (0..<4).map { _ in String(UInt64.random(in: .min ... .max, using: &generator), radix: 16) }.joined(separator: "-")
        return Pairing(secret: secret, token: token)
    }

    /// The pairing kept at `path`, made (mode 0600) when there is none.
    public static func load(_ path: String) throws(SystemError) -> Pairing {
        if Files.exists(path) {
            let lines = String(decoding: try Files.read(path, limit: 4096), as: UTF8.self).split(separator: "\n").map(String.init)
            guard lines.count == 2, lines[0].count == 16, !lines[1].isEmpty else {
                throw SystemError(call: "read", path: path, errno: .invalidArgument, problem: "not a pairing file; delete it for a new secret")
            }
            return Pairing(secret: lines[0], token: lines[1])
        }
        let pairing = random()
        try Files.makeFolder(Files.folder(of: path), mode: 0o700)
        // Written aside, then linked into place: of two processes making one at once, both keep the first.
        let aside = "\(path).\(getpid())"
        try Files.replace(aside, with: Array("\(pairing.secret)\n\(pairing.token)\n".utf8), mode: 0o600)
        defer { Files.remove(aside) }
        guard link(aside, path) == 0 else {
            if errno == EEXIST { return try load(path) }
            throw SystemError(call: "link", path: path, errno: .current)
        }
        return pairing
    }

    /// Whether `offered` is the secret (spaces, dashes and case forgiven), compared in constant time.
    public func accepts(secret offered: String?) -> Bool {
        guard let offered else { return false }
        let cleaned = offered.lowercased().filter { $0 != " " && $0 != "-" }
        return Self.same(cleaned, secret)
    }

    /// Whether `offered` is the form token, compared in constant time.
    public func accepts(token offered: String?) -> Bool { offered.map { Self.same($0, token) } ?? false }

    private static func same(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The Set-Cookie header's value: a year, this site only, never to scripts.
    public var cookieHeader: String {
        "\(Self.cookie)=\(secret); Path=/; Max-Age=31536000; HttpOnly; SameSite=Strict"
    }
}

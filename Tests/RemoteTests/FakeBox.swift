import Foundation
import TestSupport

/// A box's control socket as the remote sees it: every line asked is kept;
/// `watch` is answered with the status and then every `push`; `history`
/// with one session; anything else with the status.
final class FakeBox: @unchecked Sendable {
    let path: String
    private let listener: Int32
    private let lock = NSLock()
    private var asked: [String] = []
    private var watchers: [Int32] = []
    private var status: String

    static let playing = #"{"state":"playing","routine":"back-tension","round":1,"rounds":1,"pose":1,"poses":7,"name":"Neck","side":null,"position":3,"remaining":300,"hold_start":2,"hold_end":32,"volume":0,"device":"pulse"}"#

    init(status: String = FakeBox.playing) {
        self.status = status
        path = Repository.temporaryFolder("remote-box") + "/box.sock"
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        self.listener = listener
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        listen(listener, 16)
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                Thread.detachNewThread { self.serve(client) }
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        unlink(path)
    }

    /// The lines the remote sent, in order, `watch` and `history` (which change nothing) left out.
    var lines: [String] { lock.withLock { asked.filter { $0 != "watch" && $0 != "history" } } }

    static let history = #"{"ok":true,"history":[{"start":1796650000,"end":1796650600,"routine":"Relieving <Back> Tension","rounds":1,"completed":["neck","cobra"],"skipped":["cat"],"stopped":true}]}"#
    var watcherCount: Int { lock.withLock { watchers.count } }

    /// A new status, sent to every watcher as an event.
    func push(_ status: String) {
        lock.withLock {
            self.status = status
            for watcher in watchers { write(watcher, "{\"event\":\"status\",\"status\":\(status)}\n") }
        }
    }

    private func serve(_ client: Int32) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            buffer += chunk[0..<count]
            while let end = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 1)
                lock.withLock {
                    asked.append(line)
                    write(client, line == "history" ? Self.history + "\n" : "{\"ok\":true,\"status\":\(status)}\n")
                    if line == "watch" { watchers.append(client) }
                }
            }
        }
        lock.withLock { watchers.removeAll { $0 == client } }
        close(client)
    }

    private func write(_ descriptor: Int32, _ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}

import Foundation
import Remote
import Testing

/// Who the remote answers: only a browser that gave the pairing secret,
/// from the remote's own pages, under the remote's own name.
@Suite struct PairingTests {
    @Test func withoutTheSecretEveryRequestIsRefused() throws {
        let remote = try RemoteUnderTest()
        #expect(remote.waitForWatch())
        let client = remote.client
        let token = remote.pairing.token
        for (method, path) in [("GET", "/status"), ("GET", "/events"), ("GET", "/remote.js"), ("POST", "/do")] {
            for cookie in [nil, "\(Pairing.cookie)=wrongwrongwrong1", "\(Pairing.cookie)=\(remote.pairing.token)"] {
                let reply = try client.send(method, path, cookie: cookie, form: method == "POST" ? ["token": token, "action": "pause"] : nil)
                #expect(reply.status == 401, "\(method) \(path) with \(cookie ?? "no cookie"): \(reply.status)")
            }
        }
        let page = try client.send("GET", "/")
        #expect(page.status == 401 && page.body.contains("name=\"code\"") && !page.body.contains(token), "the pairing form, no token")
        #expect(remote.box.lines.isEmpty, "the box was asked \(remote.box.lines)")
    }

    @Test func pairingSetsAStrictCookieAndAPairedPostReachesTheBox() throws {
        let remote = try RemoteUnderTest()
        let client = remote.client
        let wrong = try client.send("POST", "/pair", form: ["code": "abcdefghjkmnpqrs"])
        #expect(wrong.status == 401 && wrong.headers["set-cookie"] == nil)
        // Typed as a person might: capitals and a dash.
        let typed = remote.pairing.secret.uppercased().prefix(8) + "-" + remote.pairing.secret.uppercased().dropFirst(8)
        let paired = try client.send("POST", "/pair", form: ["code": String(typed)])
        #expect(paired.status == 303)
        let cookie = try #require(paired.headers["set-cookie"])
        #expect(cookie.hasPrefix("\(remote.cookie);") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "\(cookie)")

        let page = try client.send("GET", "/", cookie: remote.cookie)
        #expect(page.status == 200 && page.body.contains(remote.pairing.token))
        // The last sessions, asked of the box, escaped.
        #expect(page.body.contains(": Relieving &lt;Back&gt; Tension, 10:00, 2 done, 1 skipped, stopped</li>"), "\(page.body)")
        let paused = try client.send(
            "POST", "/do", cookie: remote.cookie, form: ["token": remote.pairing.token, "action": "pause"],
            headers: ["Accept": "application/json"])
        #expect(paused.status == 200 && paused.body.hasPrefix("{\"ok\":true"), "\(paused)")
        // Without JavaScript: the form's POST, answered with the page again.
        let next = try client.send("POST", "/do", cookie: remote.cookie, form: ["token": remote.pairing.token, "action": "next"])
        #expect(next.status == 303 && next.headers["location"] == "/")
        let breath = try client.send("POST", "/do", cookie: remote.cookie, form: ["token": remote.pairing.token, "action": "breath"])
        #expect(breath.status == 303)
        let started = try client.send(
            "POST", "/do", cookie: remote.cookie, form: ["token": remote.pairing.token, "action": "start", "routine": "evening", "length": "15m"])
        #expect(started.status == 303)
        let chosen = try client.send(
            "POST", "/do", cookie: remote.cookie,
            form: ["token": remote.pairing.token, "action": "start", "routine": "back-tension", "hold": "10", "rounds": "2", "pace": "", "breathing": "4:6"])
        #expect(chosen.status == 303)
        #expect(remote.box.lines == ["pause", "next", "breath", "start evening --length 15m", "start back-tension --rounds 2 --hold 10 --breathing 4:6"])
    }

    @Test(arguments: ["/etc/passwd", "../evening", "evening --resume", "evening\nstop"])
    func onlyARoutineListedMayBeStarted(_ routine: String) throws {
        let remote = try RemoteUnderTest()
        let reply = try remote.client.send(
            "POST", "/do", cookie: remote.cookie, form: ["token": remote.pairing.token, "action": "start", "routine": routine],
            headers: ["Accept": "application/json"])
        #expect(reply.status == 400 && reply.body.contains("Choose one of the routines"), "\(reply)")
        #expect(remote.box.lines.isEmpty)
    }

    @Test(arguments: [["hold": "10 --resume"], ["rounds": "12"], ["pace": "fast"], ["breathing": "4"], ["length": "15m\nstop"]])
    func startOptionsAreCheckedBeforeTheBoxIsAsked(_ options: [String: String]) throws {
        let remote = try RemoteUnderTest()
        let form = ["token": remote.pairing.token, "action": "start", "routine": "evening"].merging(options) { $1 }
        let reply = try remote.client.send("POST", "/do", cookie: remote.cookie, form: form, headers: ["Accept": "application/json"])
        #expect(reply.status == 400 && reply.body.hasPrefix("{\"ok\":false,\"error\":"), "\(reply)")
        #expect(remote.box.lines.isEmpty)
    }

    @Test func aCrossSitePostAndAForeignHostAreRefused() throws {
        let remote = try RemoteUnderTest()
        #expect(remote.waitForWatch())
        let client = remote.client
        let form = ["token": remote.pairing.token, "action": "stop"]
        let crossSite = try client.send("POST", "/do", cookie: remote.cookie, form: form, headers: ["Origin": "http://evil.example"])
        #expect(crossSite.status == 403)
        let noOrigin = try client.send("POST", "/do", cookie: remote.cookie, form: form, headers: ["Origin": ""])
        #expect(noOrigin.status == 403, "a POST that says nothing of where it comes from")
        let fetchedCrossSite = try client.send("POST", "/do", cookie: remote.cookie, form: form, headers: ["Sec-Fetch-Site": "cross-site"])
        #expect(fetchedCrossSite.status == 403)
        let noToken = try client.send("POST", "/do", cookie: remote.cookie, form: ["action": "stop"])
        #expect(noToken.status == 403)
        // DNS rebinding: another site's name pointed at this machine.
        for host in ["evil.example:\(remote.port)", "127.0.0.1.evil.example:\(remote.port)", "127.0.0.1:1", "localhost.evil:\(remote.port)"] {
            let rebound = try client.send("GET", "/status", cookie: remote.cookie, headers: ["Host": host])
            #expect(rebound.status == 421, "Host: \(host)")
            let posted = try client.send("POST", "/do", cookie: remote.cookie, form: form, headers: ["Host": host, "Origin": "http://\(host)"])
            #expect(posted.status == 421, "Host: \(host)")
        }
        #expect(try client.send("GET", "/status", cookie: remote.cookie, headers: ["Host": "localhost:\(remote.port)"]).status == 200)
        #expect(remote.box.lines.isEmpty, "the box was asked \(remote.box.lines)")
    }
}

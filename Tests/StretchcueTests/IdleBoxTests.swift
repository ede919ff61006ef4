import Audio
import Foundation
import Output
import TestSupport
import Testing

/// A box on a sound server keeps no stream open while it has nothing to
/// say: the server's sink can suspend and the box takes no CPU time; the
/// next answer opens a stream again and is heard whole. Recorded from the
/// PulseAudio null sink, so it runs on its own.
@Suite(.serialized, .enabled(if: RealTime.sink != nil, "needs the PulseAudio null sink started by .ci/test"))
struct IdleBoxTests {
    @Test func anIdleBoxKeepsNoStreamOpenAndOpensOneForItsNextAnswer() throws {
        let box = try Box()
        defer { box.tearDown() }
        let recorder = try RealTime.record(to: box.folder + "/heard.raw")
        defer { if recorder.isRunning { kill(recorder.processIdentifier, SIGKILL) } }
        try box.start()
        let pid = try #require(box.processIdentifier)
        // "ready" plays on the answers' own stream, which then closes.
        try waitUntil("the box opens its stream to say it is ready") { try streams(of: pid) > 0 }
        try waitUntil("the box closes its stream once quiet") { try streams(of: pid) == 0 }

        let before = try ticks(of: pid)
        Thread.sleep(forTimeInterval: 10)
        let idle = try ticks(of: pid) - before
        print("IdleBox: \(idle) CPU ticks in 10 s idle")
        #expect(idle <= 1, "the idle box used \(idle) CPU ticks in 10 s")
        #expect(try streams(of: pid) == 0)

        #expect(try box.ctl("volume", "-2").hasPrefix("idle, volume -2 dB"))
        try waitUntil("the box opens a stream for the volume's earcon") { try streams(of: pid) > 0 }
        try waitUntil("the box closes its stream once quiet again") { try streams(of: pid) == 0 }
        let log = try box.stop()
        kill(recorder.processIdentifier, SIGKILL)
        recorder.waitUntilExit()

        let heard = try RealTime.rawSamples(box.folder + "/heard.raw")
        let left = stride(from: 0, to: heard.count, by: 2).map { heard[$0] }
        let ready = try SoundFile.read(Repository.voiceFolder + "/status.ready.wav", rate: 48_000)
        let words = (4800..<28_800).map { Float(ready.samples[$0]) / PCM16.fullScale }
        #expect(Alignment.find(words, in: left, threshold: 0.8) != nil, "no 'ready' heard")
        // The earcon whole, its first 50 ms too: the stream's lead-in went before it.
        let volume = Earcons.sound(.volume)
        let earcon = try #require(Alignment.find(volume, in: left, threshold: 0.95), "no whole volume earcon heard")
        #expect(Alignment.score(volume, count: 2400, at: earcon, in: left) > 0.95)
        #expect(log.split(separator: "\n").filter { $0.contains("opened pulse") }.count == 2, "\(log)")
    }

    /// The sink inputs (streams) the PulseAudio server has from `process`.
    func streams(of process: pid_t) throws -> Int {
        try RealTime.pactl(["list", "sink-inputs"]).components(separatedBy: "application.process.id = \"\(process)\"").count - 1
    }

    /// The CPU time `process` has used, user and system, in clock ticks.
    func ticks(of process: pid_t) throws -> Int {
        let stat = try String(contentsOfFile: "/proc/\(process)/stat", encoding: .utf8)
        // After the command's name in parentheses: state is field 3, utime 14 and stime 15.
        let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ")
        return try #require(Int(fields[11])) + (try #require(Int(fields[12])))
    }

    /// Polls `done` until it holds; not within 20 s is a failure.
    func waitUntil(_ what: String, _ done: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(20)
        while try !done() {
            guard Date() < deadline else {
                Issue.record("\(what): not within 20 s")
                throw CancellationError()
            }
            usleep(50_000)
        }
    }
}

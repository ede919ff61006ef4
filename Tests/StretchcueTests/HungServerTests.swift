import Foundation
import TestSupport
import Testing

/// `play` on a PulseAudio null sink whose server is stopped (SIGSTOP) in
/// the middle of a session. A suite of its own, run after the other
/// real-time tests (see `.ci/test`): a server that has been stopped is
/// started afresh after each test, and the tests after it must not see it.
@Suite(.serialized, .enabled(if: RealTime.sink != nil, "needs the PulseAudio null sink started by .ci/test"))
struct HungServerTests {
    /// The sound server hangs (SIGSTOP) in the middle of a session: q still
    /// ends it at once, though the device takes nothing.
    @Test func qEndsASessionWhoseSoundServerHangsWithin200Milliseconds() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder, hold: 8)
        let terminal = try PseudoTerminal()
        let player = try terminal.start(["play", routine, "-D", "pulse", "--lead-in-ms", "500", "--stall-timeout", "30"])
        Thread.sleep(forTimeInterval: 4)
        let server = try RealTime.serverProcess()
        kill(server, SIGSTOP)
        defer {
            kill(server, SIGCONT)
            // A server that was stopped is started afresh for the tests after this one.
            RealTime.server("stop")
            RealTime.server("start")
        }
        // Long enough for the device to have taken all it will take.
        Thread.sleep(forTimeInterval: 0.5)
        let typed = Date()
        terminal.type("q")
        player.waitUntilExit()
        let took = Date().timeIntervalSince(typed)
        kill(server, SIGCONT)
        #expect(took < 0.2, "q took \(took) s to end the session")
        #expect(player.terminationStatus == 0)
        #expect(terminal.output.contains("stopped after"))
    }

    /// The sound server hangs for longer than `--stall-timeout`: the device
    /// is let go and opened again, which succeeds once the server goes on,
    /// and the session finishes from where it was, no cue lost.
    @Test func aHungSoundServerIsLeftAndTheSessionGoesOnWhenItIsBack() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder, hold: 6)
        let render = try Program.run(["render", routine, "-o", folder + "/render.wav"])
        #expect(render.status == 0, "\(render.error)")
        let plan = try RealTime.plan(routine, [])
        let hangsAt = 8.0
        let recorder = try RealTime.record(to: folder + "/heard.raw")
        let server = try RealTime.serverProcess()
        defer {
            // A server that was stopped is started afresh for the tests after this one.
            RealTime.server("stop")
            RealTime.server("start")
        }
        let hanger = Thread {
            Thread.sleep(forTimeInterval: hangsAt)
            kill(server, SIGSTOP)
            Thread.sleep(forTimeInterval: 3)
            kill(server, SIGCONT)
        }
        hanger.start()
        let play = try Program.run(["play", routine, "-D", "pulse", "--lead-in-ms", "500", "--stall-timeout", "1", "-v"])
        while !hanger.isFinished { usleep(100_000) }
        usleep(300_000)
        kill(recorder.processIdentifier, SIGKILL)
        recorder.waitUntilExit()

        #expect(play.status == 0, "\(play.error)")
        #expect(play.output.contains("1 reopen") && play.output.contains("played"), "\(play.output)")
        #expect(play.error.contains("takes no frames"), "\(play.error)")
        // After the hang, the session's end as rendered: it went on to the end.
        try RealTime.expectTheEnd(of: plan, renderedIn: folder + "/render.wav", heardIn: folder + "/heard.raw")
    }


    /// The box asked to play while its sound server is not there: it waits,
    /// and plays the session from its start once the server is back.
    @Test func theBoxWaitsForAMissingDeviceAndPlaysWhenItComes() throws {
        let box = try Box()
        defer { box.tearDown() }
        let routine = try LiveRoutines.write(to: box.folder)
        // The box mutes chimes and breathing tones (Box): its cues are the prompts.
        var plan = try RealTime.plan(routine, [])
        plan.cues = plan.cues.filter { $0.kind == "voice" }
        let render = try Program.run(["render", routine, "-o", box.folder + "/render.wav", "--mute", "chime,breath"])
        #expect(render.status == 0)
        let expected = try WAV(path: box.folder + "/render.wav").samples
        RealTime.server("stop")
        defer {
            RealTime.server("stop")
            RealTime.server("start")
        }
        try box.start()
        #expect(try box.ctl("start", routine).hasPrefix("waiting, Short"))
        // Still waiting a while later: nothing to play on.
        try box.waitFor(seconds: 3)
        #expect(try box.ctl("status").hasPrefix("waiting, Short"))
        RealTime.server("start")
        let recorder = try RealTime.record(to: box.folder + "/heard.raw")
        try box.waitFor { $0.hasPrefix("playing") }
        try box.waitFor(limit: Double(plan.frames) / 48_000 + 10) { $0.hasPrefix("idle") }
        let log = try box.stop()
        kill(recorder.processIdentifier, SIGKILL)
        recorder.waitUntilExit()
        #expect(log.contains("waiting for the sound device"), "\(log)")
        #expect(log.contains("session played 0:") && log.contains("0 underruns, 0 stalls"), "\(log)")
        try RealTime.expectEveryCue(of: plan, from: expected, heardIn: try RealTime.rawSamples(box.folder + "/heard.raw"))
    }
}

import Foundation
import TestSupport
import Testing

/// `play` on a real PipeWire server (Debian's pipewire, wireplumber and
/// pipewire-pulse, started privately by `.ci/pipewire`), through PipeWire's
/// own ALSA plugin (Debian's pipewire-alsa): its `pipewire` PCM, and ALSA's
/// `default` as that package sets it. Recorded from the null sink's monitor
/// through pipewire-pulse, every cue within 2 ms of `render`, with no
/// underrun or stall. `.ci/test --all` runs it with `STRETCHCUE_PIPEWIRE=1`.
@Suite(
    .serialized,
    .enabled(
        if: ProcessInfo.processInfo.environment["STRETCHCUE_PIPEWIRE"] == "1" && RealTime.sink != nil,
        "needs the PipeWire server started by .ci/pipewire"))
struct PipeWireTests {
    /// The 2:25 routine of short prompts and many chimes, as on PulseAudio.
    @Test func everyCueOnPipeWiresOwnPlugin() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.writeSixPoses(to: folder)
        try expectEveryCue(of: routine, playedOn: "pipewire", in: folder)
    }

    /// `default`, which pipewire-alsa makes PipeWire's plugin.
    @Test func everyCueOnTheDefaultDevicePipeWireSets() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder)
        let devices = try Program.run(["devices"])
        #expect(devices.output.contains("pipewire"), "\(devices.output)")
        try expectEveryCue(of: routine, playedOn: "default", in: folder)
    }

    func expectEveryCue(of routine: String, playedOn device: String, in folder: String) throws {
        let (plan, expected) = try RealTime.rendered(routine, in: folder)
        let recorder = try RealTime.record(to: folder + "/heard.raw")
        let play = try Program.run(["play", routine, "-D", device, "--lead-in-ms", "500", "-v"])
        usleep(300_000)
        kill(recorder.processIdentifier, SIGKILL)
        recorder.waitUntilExit()
        #expect(play.status == 0, "\(play.error)")
        #expect(play.output.contains("0 underruns, 0 stalls, 0 reopens"), "\(play.output)\n\(play.error)")
        try RealTime.expectEveryCue(of: plan, from: expected, heardIn: try RealTime.rawSamples(folder + "/heard.raw"))
    }
}

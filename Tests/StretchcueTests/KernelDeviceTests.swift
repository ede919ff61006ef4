import Foundation
import TestSupport
import Testing

/// `play` on a kernel sound driver: a VM (Tests/VM/vm.sh) boots Debian's
/// kernel with the `snd-aloop` card; what `play` writes to its `hw:`
/// playback side is captured on its capture side, in real time on the
/// card's own timer.
///
/// Opt-in (`STRETCHCUE_VM=1`, as `.ci/test` sets it): each scenario boots
/// a VM, which takes a minute or two of software emulation.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["STRETCHCUE_VM"] == "1", "set STRETCHCUE_VM=1"))
struct KernelDeviceTests {
    @Test func everyCueReachesTheLoopbackCardWithin2MillisecondsOfItsPlace() throws {
        let folder = Repository.temporaryFolder("stretchcue-vm")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder)
        let options = ["--countdown", "2", "--halfway"]
        let render = try Program.run(["render", routine, "-o", folder + "/render.wav"] + options)
        #expect(render.status == 0, "\(render.error)")
        let plan = try RealTime.plan(routine, options)

        let run = try VM.run("loopback", in: folder, program: ["short.yaml"] + options)
        #expect(run.status == 0, "the scenario failed: \(run.log)")
        let output = try String(contentsOfFile: folder + "/play.out", encoding: .utf8)
        let warnings = run.log.split(separator: "\n").filter { !$0.contains(" debug ") }
        #expect(output.contains("0 underruns, 0 stalls, 0 reopens") && !output.contains("missed"), "\(output)\(warnings)")

        let expected = try WAV(path: folder + "/render.wav").samples
        let heard = try RealTime.rawSamples(folder + "/heard.raw")
        #expect(heard.allSatisfy { abs($0) < 1 })
        try RealTime.expectEveryCue(of: plan, from: expected, heardIn: heard)
    }
}

/// Running a scenario of Tests/VM in a VM.
enum VM {
    /// Runs `Tests/VM/scenarios/NAME.sh` with `folder` as its shared folder,
    /// `stretchcue` given `arguments`; returns the harness's exit status and
    /// what the scenario and the guest's console said.
    static func run(_ name: String, in folder: String, program arguments: [String]) throws -> (status: Int32, log: String) {
        try (Repository.products + "/stretchcue\n").write(toFile: folder + "/program", atomically: true, encoding: .utf8)
        try (arguments.joined(separator: "\n") + "\n").write(toFile: folder + "/arguments", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.root + "/Tests/VM/vm.sh")
        process.arguments = [Repository.root + "/Tests/VM/scenarios/\(name).sh", folder]
        try process.run()
        process.waitUntilExit()
        let log = ["scenario.log", "play.log", "console.log"].compactMap {
            try? String(contentsOfFile: folder + "/" + $0, encoding: .utf8)
        }.joined(separator: "\n")
        return (process.terminationStatus, log)
    }
}

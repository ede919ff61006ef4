import Foundation
import TestSupport
import Testing

/// `play` on a kernel sound driver: a VM (Tests/VM/vm.sh) boots Debian's
/// kernel with the `snd-aloop` card; what `play` writes to its `hw:`
/// playback side is captured on its capture side, in real time on the
/// card's own timer. The card rewinds, so `play` keeps its deep buffer
/// full there.
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
        let (plan, expected) = try RealTime.rendered(routine, options, in: folder)

        let run = try VM.run("loopback", in: folder, program: ["short.yaml"] + options)
        #expect(run.status == 0, "the scenario failed: \(run.log)")
        let output = try String(contentsOfFile: folder + "/play.out", encoding: .utf8)
        let log = try String(contentsOfFile: folder + "/play.log", encoding: .utf8)
        #expect(log.contains("kept filled to") && log.contains(", rewinds"), "the card's buffer was not kept full: \(log)")
        let warnings = run.log.split(separator: "\n").filter { !$0.contains(" debug ") }
        #expect(output.contains("0 underruns, 0 stalls, 0 reopens") && !output.contains("missed"), "\(output)\(warnings)")

        let heard = try RealTime.rawSamples(folder + "/heard.raw")
        #expect(heard.allSatisfy { abs($0) < 1 })
        try RealTime.expectEveryCue(of: plan, from: expected, heardIn: heard)
    }
}

extension KernelDeviceTests {
    /// The USB DAC pulled out mid-session and plugged back 3 s later: `play`
    /// reopens it, plays the lead-in, announces the pose again and finishes.
    /// What the card received before (up to the pull) and after (from the
    /// pose's announcement on) are each the session as rendered, every cue
    /// in them on its frame.
    @Test func aUSBCardPulledOutAndPluggedBackLosesNoCue() throws {
        let folder = Repository.temporaryFolder("stretchcue-vm")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder, hold: 8)
        let (plan, expected) = try RealTime.rendered(routine, in: folder)

        let run = try VM.run("usb-unplug", in: folder, program: ["short.yaml"])
        #expect(run.status == 0, "the scenario failed: \(run.log)")
        let output = try String(contentsOfFile: folder + "/play.out", encoding: .utf8)
        #expect(output.contains("played 0:44 of 0:44") && output.contains("1 reopen") && !output.contains("missed"), "\(output)")
        #expect(output.components(separatedBy: "pose 1 of 2").count == 3, "the pose was not announced again: \(output)")
        let log = try String(contentsOfFile: folder + "/play.log", encoding: .utf8)
        #expect(log.contains("lost") && log.contains("is back"))
        let times = try String(contentsOfFile: folder + "/replug.times", encoding: .utf8).split(separator: " ").compactMap {
            Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(times.count == 2, "\(times)")
        if times.count == 2 { print(String(format: "VM: the card's stream ran again %.2f s after the card was back", times[1] - times[0])) }

        let before = try WAV(path: folder + "/before.wav").samples
        let after = try WAV(path: folder + "/after.wav").samples
        // Before the pull: the session from its start, as far as it got.
        let start = try #require(Alignment.offset(of: expected, in: before), "the session's start was not received")
        let pulledAt = before.count / 2 - start
        var early = plan
        early.cues = plan.cues.filter { $0.frame + 9600 < pulledAt }
        #expect(early.cues.count >= 3)
        try RealTime.expectEveryCue(of: early, from: expected, heardIn: before, offset: start)
        // After it: the session again from the announcement of the pose it was in.
        let restart = try #require(plan.cues.last { $0.kind == "voice" && $0.frame <= pulledAt }).frame
        var late = plan
        late.cues = plan.cues.filter { $0.frame >= restart }.map { cue in
            var moved = cue
            moved.frame -= restart
            return moved
        }
        let rest = Array(expected[(restart * 2)...])
        #expect(late.cues.count >= 15)
        // Found 100 ms into the prompt: its first 30 ms come back faded in, as after any reopen.
        let rough = try #require(after.indices.first { abs(after[$0]) > 0.01 }) / 2
        let into = try #require(Alignment.lag(of: rest, at: 4800, in: after, near: rough + 4800, search: 2400), "the replayed pose was not received")
        try RealTime.expectEveryCue(of: late, from: rest, heardIn: after, offset: rough + into)
    }
}

extension KernelDeviceTests {
    /// The box on a kernel, run by a kernel input device (made with
    /// /dev/uinput, as the gpio-key overlay makes one for a GPIO button): a
    /// short press starts the session on hw:Loopback, a held press stops it.
    /// Every cue heard before the stop is on its frame.
    @Test func aButtonStartsTheBoxAndAHoldStopsIt() throws {
        let (folder, routine, plan, expected) = try buttonScenarioFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let run = try VM.run("button", in: folder, program: [routine])
        #expect(run.status == 0, "the scenario failed: \(run.log)")
        let log = try String(contentsOfFile: folder + "/serve.log", encoding: .utf8)
        #expect(log.contains("(stretchcue test button): using its keys KEY_PLAYPAUSE"), "\(log)")
        try expectAButtonSession(in: folder, plan: plan, expected: expected)
    }

    /// A folder for a scenario of the box and a button: a routine with
    /// 20 s holds, what `render` makes of it, and Tests/VM/button.py.
    private func buttonScenarioFolder() throws -> (folder: String, routine: String, plan: RealTime.Plan, expected: [Float]) {
        let folder = Repository.temporaryFolder("stretchcue-vm")
        let routine = try LiveRoutines.write(to: folder, hold: 20)
        let (plan, expected) = try RealTime.rendered(routine, in: folder)
        try FileManager.default.copyItem(atPath: Repository.root + "/Tests/VM/button.py", toPath: folder + "/button.py")
        return (folder, routine, plan, expected)
    }

    /// What a box played from a button's press to a held press's stop: the
    /// status when it started and when it stopped, one stopped session in
    /// its history, and on its card (heard.raw, from before it started) its
    /// spoken "ready", silence, then the session, every cue before the stop
    /// on its frame, nothing beyond full scale.
    private func expectAButtonSession(in folder: String, plan: RealTime.Plan, expected: [Float]) throws {
        #expect(try String(contentsOfFile: folder + "/started.status", encoding: .utf8).hasPrefix("playing, Short"))
        #expect(try String(contentsOfFile: folder + "/stopped.status", encoding: .utf8).hasPrefix("idle"))
        let history = try String(contentsOfFile: folder + "/history.json", encoding: .utf8)
        #expect(history.split(separator: "\n").count == 1 && history.contains(#""stopped":true"#), "\(history)")
        let heard = try RealTime.rawSamples(folder + "/heard.raw")
        #expect(heard.allSatisfy { abs($0) < 1 })
        // Sounds that begin after 2 s of silence: the spoken "ready", then the session.
        var onsets: [Int] = []
        var loudBefore = -96_000
        for frame in 0..<(heard.count / 2) where abs(heard[frame * 2]) > 0.01 {
            if frame - loudBefore >= 96_000 { onsets.append(frame) }
            loudBefore = frame
        }
        #expect(onsets.count == 2, "sounds after silence at frames \(onsets): expected the spoken ready, then the session")
        let pressed = try #require(onsets.last, "nothing was heard")
        let after = Array(heard[((pressed - 4800) * 2)...])
        let start = try #require(Alignment.offset(of: expected, in: after), "the session was not heard") + pressed - 4800
        // Up to the stop: the session fades out there and is silent after.
        let lastLoud = try #require(heard.lastIndex { abs($0) > 0.01 }) / 2
        var early = plan
        early.cues = plan.cues.filter { $0.frame + 9600 < lastLoud - start }
        #expect(early.cues.count >= 3 && early.cues.count < plan.cues.count, "\(early.cues.count) of \(plan.cues.count) cues before the stop")
        try RealTime.expectEveryCue(of: early, from: expected, heardIn: heard, offset: start)
    }
}

extension KernelDeviceTests {
    /// The box as installed: `make install-built` and `systemctl enable` in
    /// the guest, then a boot with systemd as PID 1. The service reaches
    /// READY by itself and says "ready" on the card; a button starts a
    /// session, a held press stops it; the unit's sandbox lets it reach the
    /// card and the button, its journal holds no terminal codes, and
    /// systemd stops it cleanly.
    @Test func theInstalledServiceBootsAndAButtonPlaysIt() throws {
        let (folder, routine, plan, expected) = try buttonScenarioFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let run = try VM.run("systemd-box", in: folder, program: [routine, Repository.root])
        #expect(run.status == 0, "the scenario failed: \(run.log)")
        let ready = try String(contentsOfFile: folder + "/ready.txt", encoding: .utf8)
        #expect(ready.contains("StatusText=idle; waiting to be told to start"), "\(ready)")
        let figures = ready.split(separator: "\n").reduce(into: [String: Double]()) { figures, line in
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Double(parts[1]) { figures[String(parts[0])] = value / 1e6 }
        }
        if let started = figures["ExecMainStartTimestampMonotonic"], let active = figures["ActiveEnterTimestampMonotonic"] {
            print(String(format: "VM: the service was READY %.1f s after boot, %.0f ms after it started", active, (active - started) * 1000))
        }
        let journal = try String(contentsOfFile: folder + "/journal.txt", encoding: .utf8)
        #expect(journal.contains("using its keys KEY_PLAYPAUSE") && journal.contains("0 underruns"), "\(journal)")
        #expect(!journal.contains("\u{1B}"), "terminal codes in the journal: \(journal)")
        let stopped = try String(contentsOfFile: folder + "/stopped.txt", encoding: .utf8)
        #expect(stopped.contains("Result=success") && stopped.contains("ExecMainStatus=0"), "\(stopped)")
        try expectAButtonSession(in: folder, plan: plan, expected: expected)
    }
}

extension KernelDeviceTests {
    /// A box started with no sound card at all, asked to play: it waits, and
    /// when a USB sound card is plugged in 20 s later it plays the whole
    /// session on it, every cue in place.
    @Test func theBoxWaitsForADACPluggedInLater() throws {
        let folder = Repository.temporaryFolder("stretchcue-vm")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder)
        let (plan, expected) = try RealTime.rendered(routine, in: folder)

        let run = try VM.run("late-dac", in: folder, program: [routine])
        #expect(run.status == 0, "the scenario failed: \(run.log)")
        let watch = try String(contentsOfFile: folder + "/watch.log", encoding: .utf8).split(separator: "\n")
        #expect(watch.first?.hasPrefix("idle") == true && watch.dropFirst().first?.hasPrefix("waiting, Short") == true, "\(watch)")
        #expect(watch.contains { $0.hasPrefix("playing, Short") }, "\(watch)")
        let log = try String(contentsOfFile: folder + "/serve.log", encoding: .utf8)
        #expect(log.contains("waiting for the sound device") && log.contains("0 underruns"), "\(log)")

        let heard = try WAV(path: folder + "/heard.wav").samples
        try RealTime.expectEveryCue(of: plan, from: expected, heardIn: heard)
    }

    /// The power cut in the second pose (qemu ended with no shutdown, the
    /// state on an ext4 disk), the guest booted again: the saved place is
    /// whole, and `ctl start --resume` goes on from the second pose's
    /// announcement, every cue of it in place.
    @Test func afterAPowerCutTheBoxGoesOnFromThePoseItWasIn() throws {
        let folder = Repository.temporaryFolder("stretchcue-vm")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder, hold: 8)
        let (plan, expected) = try RealTime.rendered(routine, in: folder)
        let disk = try InstallTests.run("/bin/sh", ["-c", "truncate -s 32M '\(folder)/state.img' && mkfs.ext4 -q -F '\(folder)/state.img'"])
        try #require(disk.status == 0, "\(disk.output)")

        let cut = try VM.run("power-cut", in: folder, program: [routine, "cut"])
        #expect(cut.status == 0, "the first boot failed: \(cut.log)")
        let resumed = try VM.run("power-cut", in: folder, program: [routine, "resume"])
        #expect(resumed.status == 0, "the second boot failed: \(resumed.log)")

        // The place as the cut left it: whole, at the second step (pose two, its left side).
        let place = try String(contentsOfFile: folder + "/place-after-the-cut.yaml", encoding: .utf8)
        #expect(place.contains("step: 1") && place.contains("pose: \"two\"") && place.contains("side: left"), "\(place)")
        let watch = try String(contentsOfFile: folder + "/watch-resume.log", encoding: .utf8).split(separator: "\n")
        let playing = try #require(watch.first { $0.hasPrefix("playing") }, "\(watch)")
        #expect(playing.contains("pose 2 of 2 Two (left)"), "\(watch)")
        #expect(!watch.contains { $0.contains("pose 1 of") }, "the first pose was shown: \(watch)")

        // What was heard is the session from the second step's announcement on.
        let from = try #require(plan.cues.filter { $0.kind == "voice" }.dropFirst().first).frame
        var rest = plan
        rest.cues = plan.cues.filter { $0.frame >= from && $0.frame < from + 4 * 48_000 }.map { cue in
            var moved = cue
            moved.frame -= from
            return moved
        }
        #expect(rest.cues.count >= 3)
        let heard = try RealTime.rawSamples(folder + "/heard.raw")
        try RealTime.expectEveryCue(of: rest, from: Array(expected[(from * 2)...]), heardIn: heard)
    }
}

extension KernelDeviceTests {
    /// `mixer_control` on a kernel driver's control with a dB scale: the box
    /// turned down over its socket, idle and then playing, moves snd-dummy's
    /// `Master` down as far, and its status says where the control is.
    @Test func theBoxTurnsTheCardsOwnVolumeControl() throws {
        let folder = Repository.temporaryFolder("stretchcue-vm")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder, hold: 20)
        let run = try VM.run("mixer", in: folder, program: [routine], modules: ["snd-dummy"])
        #expect(run.status == 0, "the scenario failed: \(run.log)")
        func decibels(_ file: String) throws -> Double? {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            return text.split(separator: "[").first { $0.hasSuffix("dB]") || $0.contains("dB]") }
                .flatMap { Double($0.prefix { $0 != "d" }) }
        }
        let before = try #require(try decibels("mixer.before"), "amixer said nothing of Master")
        let idle = try #require(try decibels("mixer.idle"), "amixer said nothing of Master")
        let after = try #require(try decibels("mixer.after"), "amixer said nothing of Master")
        // Steps of 2 dB on a control of 0.3 dB steps, each to the nearest step, adding up without drift.
        #expect(abs(before + 20) < 0.5 && abs(idle - (before - 2)) < 0.16, "\(before) dB, then idle \(idle) dB")
        #expect(abs(after - (before - 8)) < 0.16, "\(before) dB, then \(after) dB")
        let status = try String(contentsOfFile: folder + "/volume.status", encoding: .utf8)
        #expect(status.contains("volume \(after.formatted) dB"), "\(status)")
    }
}

extension KernelDeviceTests {
    /// Keys on a card that rewinds: with every layer muted, eight `volume`
    /// commands down the box's socket, each timed from outside to its
    /// earcon's first frame on the loopback's capture side. With the 500 ms
    /// buffer kept full and rewound, each is heard within 250 ms (the VM's
    /// emulation and the capture's pipe included: a real box is faster;
    /// without the rewind, it would be about 500 ms); with `rewind_ms: 0`,
    /// the 100 ms buffer half full, likewise.
    @Test func aKeyIsHeardInFrontOfTheDeepBuffer() throws {
        let folder = Repository.temporaryFolder("stretchcue-vm")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder, hold: 8)
        let run = try VM.run("keys", in: folder, program: [routine, Repository.root])
        #expect(run.status == 0, "the scenario failed: \(run.log)")
        for suffix in ["", "-0"] {
            let log = try String(contentsOfFile: folder + "/serve\(suffix).log", encoding: .utf8)
            #expect(log.contains(", rewinds") == suffix.isEmpty, "the buffer: \(log)")
            let latencies = try String(contentsOfFile: folder + "/latencies\(suffix).txt", encoding: .utf8)
                .split(separator: "\n").compactMap { Double($0) }
            #expect(latencies.count == 8, "\(latencies)")
            #expect(latencies.allSatisfy { $0 > 0 && $0 < 250 }, "command to earcon, ms: \(latencies)")
            let sorted = latencies.sorted()
            if let worst = sorted.last {
                print(String(format: "VM: rewind_ms %@: command to earcon median %.1f ms, worst %.1f ms",
                    suffix.isEmpty ? "500" : "0", sorted[sorted.count / 2], worst))
            }
        }
    }
}

/// Running a scenario of Tests/VM in a VM.
enum VM {
    /// Runs `Tests/VM/scenarios/NAME.sh` with `folder` as its shared folder,
    /// `stretchcue` given `arguments`, the kernel `modules` loaded (each
    /// with its options); returns the harness's exit status and
    /// what the scenario and the guest's console said.
    static func run(_ name: String, in folder: String, program arguments: [String], modules: [String] = []) throws -> (status: Int32, log: String) {
        try (Repository.products + "/stretchcue\n").write(toFile: folder + "/program", atomically: true, encoding: .utf8)
        try (arguments.joined(separator: "\n") + "\n").write(toFile: folder + "/arguments", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.root + "/Tests/VM/vm.sh")
        process.arguments = [Repository.root + "/Tests/VM/scenarios/\(name).sh", folder] + modules
        try process.run()
        process.waitUntilExit()
        // The console's end: where a boot stopped or a guest hung.
        let console = (try? String(contentsOfFile: folder + "/console.log", encoding: .utf8))
            .map { "console.log, its last lines:\n" + $0.split(separator: "\n").suffix(60).joined(separator: "\n") }
        let log = (["setup.log", "scenario.log", "play.log"].compactMap {
            try? String(contentsOfFile: folder + "/" + $0, encoding: .utf8)
        } + [console].compactMap { $0 }).joined(separator: "\n")
        return (process.terminationStatus, log)
    }
}

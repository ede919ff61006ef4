import Audio
import Foundation
import Output
import TestSupport
import Testing

/// `--keep-awake` (issue 32): an inaudible tone where the session is
/// silent, and nothing at all without it.
@Suite struct KeepAwakeRenderTests {
    @Test func theToneFillsTheSilencesOnlyWhenAsked() throws {
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let routine = try LiveRoutines.write(to: folder, hold: 8)
        func render(_ extra: [String]) throws -> [Float] {
            let file = folder + "/session.wav"
            let render = try Program.run(["render", routine, "--mute", "breath", "-o", file] + extra)
            #expect(render.status == 0, "\(render.error)")
            return try WAV(path: file).samples
        }
        let plain = try render([])
        let awake = try render(["--keep-awake"])
        #expect(plain.count == awake.count)
        // The longest stretch where the plain session is digital silence, in frames.
        var longest = 0..<0
        var start = 0
        for frame in 0...plain.count / 2 {
            if frame < plain.count / 2, plain[2 * frame] == 0, plain[2 * frame + 1] == 0 { continue }
            if frame - start > longest.count { longest = start..<frame }
            start = frame + 1
        }
        #expect(longest.count > 2 * 48_000, "the session has a silence of \(longest.count) frames")
        // The tone changes nothing else: it is all the difference, on both channels alike.
        let tone = Float(decibels: KeepAwakeTone.decibels)
        let largest = zip(plain, awake).map { abs($1 - $0) }.max()!
        #expect(largest <= tone + 1.5 / 32768, "the renders differ by up to \(largest)")
        // In the silence: the tone, under -60 dBFS, at 25 Hz and nothing audible above 40 Hz.
        let silence = stride(from: 2 * longest.lowerBound, to: 2 * longest.upperBound, by: 2).map { awake[$0] }
        let peak = Double(silence.map(abs).max()!)
        #expect(peak > 0 && 20 * log10(peak) < -60, "peak \(20 * log10(peak)) dBFS")
        #expect(silence.allSatisfy { $0 == silence[0] } == false)
        let middle = Array(silence[silence.count / 2 - 32_768..<silence.count / 2 + 32_768])
        let spectrum = Spectrum(middle, rate: 48_000)
        let above = spectrum.loudest(above: 40)
        print("KeepAwake render: peak \(20 * log10(peak)) dBFS, tone \(spectrum.peak), loudest above 40 Hz \(above)")
        #expect(abs(spectrum.peak.hertz - 25) < 1 && spectrum.peak.decibels < -60, "\(spectrum.peak)")
        #expect(above.decibels < -100 && spectrum.peak.decibels - above.decibels > 40, "\(above)")
        // It fades in from nothing and out to nothing.
        #expect(abs(awake[0] - plain[0]) <= 1 / 32768 && abs(awake[awake.count - 2] - plain[plain.count - 2]) <= 1 / 32768)
    }
}

/// A box with `keep_awake: true` keeps its device playing the tone while
/// idle, and a session started after plays as it should. Recorded from the
/// PulseAudio null sink with the rest of `IdleBoxTests`.
extension IdleBoxTests {
    @Test func aBoxKeptAwakePlaysTheToneWhileIdleThenItsSession() throws {
        let box = try Box(extra: "keep_awake: true\n")
        defer { box.tearDown() }
        let routine = try LiveRoutines.write(to: box.folder, hold: 4)
        let plan = try RealTime.plan(routine, [])
        let render = try Program.run(["render", routine, "-o", box.folder + "/render.wav", "--mute", "chime,breath"])
        #expect(render.status == 0, "\(render.error)")
        let expected = try WAV(path: box.folder + "/render.wav").samples
        let heardPath = box.folder + "/heard.raw"
        let recorder = try RealTime.record(to: heardPath)
        defer { if recorder.isRunning { kill(recorder.processIdentifier, SIGKILL) } }
        /// Frames recorded so far.
        func recorded() throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: heardPath)[.size] as? Int ?? 0) / 4
        }
        try box.start()
        let pid = try #require(box.processIdentifier)
        // "ready" on the answers' stream, which closes; the tone's stream stays.
        try waitUntil("the box opens its streams") { try streams(of: pid) >= 2 }
        try waitUntil("the answers' stream closes, the tone's stays") { try streams(of: pid) == 1 }
        let idleFrom = try recorded()
        let before = try ticks(of: pid)
        Thread.sleep(forTimeInterval: 5)
        let idle = try ticks(of: pid) - before
        let idleTo = try recorded()
        print("KeepAwake box: \(idle) CPU ticks in 5 s idle with the tone")
        #expect(try streams(of: pid) == 1)

        let startedAt = try recorded()
        let started = try box.ctl("start", routine)
        #expect(started.hasPrefix("waiting, Short") || started.hasPrefix("playing, Short"), "\(started)")
        let firstHold = Double(try #require(plan.cues.first { $0.kind == "chime.start" }).frame) / 48_000
        try box.waitFor { $0.contains("pose 1 of 2") && box.position($0) > firstHold + 0.5 }
        _ = try box.ctl("stop")
        try box.waitFor { $0.hasPrefix("idle") }
        // Idle again: the tone's stream is back.
        try waitUntil("the tone plays again after the session") { try streams(of: pid) == 1 }
        let log = try box.stop()
        usleep(300_000)
        kill(recorder.processIdentifier, SIGKILL)
        recorder.waitUntilExit()
        #expect(log.split(separator: "\n").filter { $0.contains("keeping 'pulse' awake") }.count == 2, "\(log)")

        let heard = try RealTime.rawSamples(heardPath)
        let left = stride(from: 0, to: heard.count, by: 2).map { heard[$0] }
        // While idle: the tone, under -60 dBFS, and nothing audible above 40 Hz.
        #expect(idleTo - idleFrom > 3 * 48_000)
        let quiet = Array(left[idleFrom + 24_000..<idleTo - 1_000])
        let peak = Double(quiet.map(abs).max()!)
        #expect(peak > 0 && 20 * log10(peak) < -60, "idle peak \(20 * log10(peak)) dBFS")
        let spectrum = Spectrum(Array(quiet.suffix(65_536)), rate: 48_000)
        let above = spectrum.loudest(above: 40)
        print("KeepAwake box idle: peak \(20 * log10(peak)) dBFS, tone \(spectrum.peak), loudest above 40 Hz \(above)")
        #expect(abs(spectrum.peak.hertz - 25) < 1 && spectrum.peak.decibels < -60, "\(spectrum.peak)")
        #expect(above.decibels < -100 && spectrum.peak.decibels - above.decibels > 40, "\(above)")
        // The session's first cue, heard whole after its lead-in.
        let first = try #require(stride(from: 0, to: expected.count, by: 2).first { abs(expected[$0]) > 0.01 }) / 2
        let cue = stride(from: first * 2, to: (first + 24_000) * 2, by: 2).map { expected[$0] }
        let found = Alignment.find(cue, in: Array(left[startedAt...]), threshold: 0.9)
        #expect(found != nil, "the first cue was not heard")
        let late = Double((found ?? 0) - first) / 48_000
        print("KeepAwake box: the first cue came \(late) s after its place from the start request")
        // The lead-in (0.5 s), the tone's fade-out and the device's reopening: well under 2 s.
        #expect(late > 0.5 && late < 2, "\(late) s")
    }
}

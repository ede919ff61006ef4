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

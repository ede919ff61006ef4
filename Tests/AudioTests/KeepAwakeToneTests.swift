import Audio
import Foundation
import Output
import Testing
import TestSupport

/// The keep-awake tone (issue 32): quiet, low, smooth, and clean after
/// 16-bit rounding.
@Suite struct KeepAwakeToneTests {
    static let rate = 48_000

    /// `frames` of the tone from stream frame `start` (mono), in periods of `period` frames.
    static func tone(
        _ tone: KeepAwakeTone, from start: Int64 = 0, frames: Int, period: Int = 1024, end: Int64 = .max
    ) -> [Float] {
        var samples = [Float](repeating: 0, count: frames)
        samples.withUnsafeMutableBufferPointer { buffer in
            var done = 0
            while done < frames {
                let count = min(period, frames - done)
                let slice = UnsafeMutableBufferPointer(rebasing: buffer[done..<done + count])
                tone.add(into: slice, frames: count, channels: 1, from: start + Int64(done), end: end)
                done += count
            }
        }
        return samples
    }

    /// What a 16-bit device is given.
    static func rounded(_ samples: [Float]) -> [Float] {
        samples.map { Float(PCM16.quantize($0)) / PCM16.fullScale }
    }

    static func decibels(_ value: Float) -> Double { 20 * log10(Double(value)) }

    @Test(arguments: [44_100, 48_000])
    func peakIsUnderMinus60DecibelsAt25Hertz(rate: Int) {
        let tone = KeepAwakeTone(sampleRate: rate)
        // Two seconds after its fade-in.
        let samples = Self.rounded(Self.tone(tone, from: Int64(rate), frames: 2 * rate))
        let peak = samples.map(abs).max()!
        #expect(Self.decibels(peak) < -60)
        #expect(Self.decibels(peak) > -67, "\(Self.decibels(peak)) dBFS: the tone is there after rounding")
        var crossings: [Int] = []
        for index in 1..<samples.count where samples[index - 1] < 0 && samples[index] >= 0 { crossings.append(index) }
        let hertz = Double(rate) * Double(crossings.count - 1) / Double(crossings.last! - crossings.first!)
        #expect(abs(hertz - 25) < 0.05, "\(hertz) Hz")
    }

    /// After 16-bit rounding every bin above 40 Hz is at least 40 dB under
    /// the tone and under -100 dBFS; in floats there is nothing there.
    @Test(arguments: [44_100, 48_000])
    func nothingAbove40HertzAfter16BitRounding(rate: Int) {
        let tone = KeepAwakeTone(sampleRate: rate)
        let floats = Self.tone(tone, from: Int64(rate), frames: 65_536)
        let rounded = Spectrum(Self.rounded(floats), rate: rate)
        let peak = rounded.peak
        let above = rounded.loudest(above: 40)
        #expect(abs(peak.hertz - 25) < 1, "the loudest bin is at \(peak.hertz) Hz")
        #expect(peak.decibels < -60)
        #expect(above.decibels < -100, "\(above.decibels) dBFS at \(above.hertz) Hz")
        #expect(peak.decibels - above.decibels > 40, "\(peak.decibels - above.decibels) dB under the tone")
        #expect(Spectrum(floats, rate: rate).loudest(above: 40).decibels < -130)
    }

    /// Periods of any length join into the one tone; no step between two
    /// frames is larger than the sine's steepest.
    @Test(arguments: [1, 7, 441, 1024, 4096])
    func periodsJoinWithoutAStep(period: Int) {
        let tone = KeepAwakeTone(sampleRate: Self.rate)
        let whole = Self.tone(tone, frames: 30_000, period: 30_000)
        let parts = Self.tone(tone, frames: 30_000, period: period)
        #expect(whole == parts)
        let steepest = 2 * Float.pi * 25 * tone.amplitude / Float(Self.rate)
        let largest = zip(parts, parts.dropFirst()).map { abs($1 - $0) }.max()!
        #expect(largest <= steepest * 1.001, "a step of \(largest), the sine's steepest \(steepest)")
        // A rewound stream is given the same samples again.
        #expect(Self.tone(tone, from: 12_345, frames: 100) == Array(whole[12_345..<12_445]))
    }

    /// It fades in from nothing at the stream's first frame and out to
    /// nothing at its end, over a quarter of a second each.
    @Test func fadesInAndOut() {
        let tone = KeepAwakeTone(sampleRate: Self.rate)
        let fade = tone.fadeFrames
        #expect(fade == Self.rate / 4)
        let end = Int64(3 * Self.rate)
        let samples = Self.tone(tone, frames: Int(end), end: end)
        func peak(_ range: Range<Int>) -> Float { samples[range].map(abs).max()! }
        // The first and last frames are all but silent; the middle is at full level.
        #expect(abs(samples[0]) < tone.amplitude * 1e-3)
        #expect(abs(samples.last!) < tone.amplitude * 1e-3)
        #expect(peak(0..<480) < tone.amplitude * 0.01)
        #expect(peak(samples.count - 480..<samples.count) < tone.amplitude * 0.01)
        #expect(peak(fade..<samples.count - fade) > tone.amplitude * 0.999)
        // The envelope rises and falls steadily.
        let rising = (0..<fade).map { tone.envelope(at: Int64($0), end: end) }
        #expect(zip(rising, rising.dropFirst()).allSatisfy { $0 < $1 })
        let falling = (Int(end) - fade..<Int(end)).map { tone.envelope(at: Int64($0), end: end) }
        #expect(zip(falling, falling.dropFirst()).allSatisfy { $0 > $1 })
        #expect(tone.envelope(at: end, end: end) == 0)
    }
}

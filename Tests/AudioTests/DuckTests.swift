@testable import Audio
import Testing

/// The duck's stretches: the mixer adds a steady stretch as one block, so
/// its gain must be the one `gain(at:)` gives each of its frames.
@Suite struct DuckTests {
    let duck = Duck(
        under: [1_000..<3_000, 3_100..<4_000, 20_000..<30_000], decibels: Duck.chimeDecibels,
        attackSeconds: 0.01, releaseSeconds: 0.05, rate: 48_000)

    @Test(arguments: [0..<40_000, 500..<520, 2_990..<4_100, 3_500..<19_600, 29_999..<32_401, 50_000..<50_001])
    func stretchesCoverTheRangeInOrderAtEachFramesGain(range: Range<Int64>) {
        var next = range.lowerBound
        var steadyFrames = 0
        duck.forEachStretch(over: range) { stretch, steadyGain in
            #expect(stretch.lowerBound == next && !stretch.isEmpty, "stretch \(stretch) after \(next)")
            next = stretch.upperBound
            if let steadyGain {
                steadyFrames += stretch.count
                let moved = stretch.first { duck.gain(at: $0) != steadyGain }
                #expect(moved == nil, "frame \(moved ?? 0) of \(stretch) is not at \(steadyGain)")
            } else {
                let first = duck.gain(at: stretch.lowerBound)
                #expect(stretch.contains { duck.gain(at: $0) != first }, "a ramp \(stretch) that holds still")
            }
        }
        #expect(next == range.upperBound)
        #expect(steadyFrames > 0 || range.count < 2_400, "no steady stretch in \(range)")
    }
}

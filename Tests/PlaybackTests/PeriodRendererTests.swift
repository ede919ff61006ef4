import Audio
import Glibc
import Output
@testable import Playback
import TestSupport
import Testing
import Timing

/// The period renderer alone, with no device and no thread: the final
/// limiter over everything, and transitions whose lengths do not depend
/// on the period.
@Suite struct PeriodRendererTests {
    let session: ShortSession
    init() throws { session = try ShortSession() }

    /// A live mixer for the short session with every sound made and handed over.
    func sounds() throws -> PreparedSounds {
        let mixer = try session.source.mixer(for: session.timeline, channels: 2)
        try mixer.prepare(from: 0, to: session.timeline.frames)
        return PreparedSounds(mixer: mixer, table: mixer.table())
    }

    func renderer() -> PeriodRenderer {
        PeriodRenderer(sampleRate: 48_000, channels: 2, fadeIn: .milliseconds(30), fadeOut: .milliseconds(60))
    }

    /// The period a `--buffer-ms` gives: a quarter of the buffer.
    static func format(bufferMilliseconds: Int, _ sampleFormat: SampleFormat = .float) -> DeviceFormat {
        let buffer = bufferMilliseconds * 48
        return DeviceFormat(
            sampleRate: 48_000, channels: 2, sampleFormat: sampleFormat, periodFrames: buffer / 4, bufferFrames: buffer)
    }

    /// A full-scale tone as loud as a sound can be.
    static let loud = Sound(channels: 1, samples: (0..<48_000).map { Int16(32_767 * sin(Double($0) * 0.05)) })

    @Test(arguments: SampleFormat.allCases)
    func nothingLeavesBeyondFullScaleWhateverIsLaidOver(_ sampleFormat: SampleFormat) throws {
        let sounds = try sounds()
        let format = Self.format(bufferMilliseconds: 100, sampleFormat)
        let buffers = PeriodBuffers(format)
        var renderer = renderer()
        // The opening bell at its loudest, speech and an earcon at full scale, master at +6 dB.
        renderer.overlays.speech = (Self.loud, 0)
        renderer.overlays.earcon = (Self.loud, 0)
        let wishes = PeriodRenderer.Wishes(gains: LiveGains(master: Float(decibels: PlayerControl.volumeRange.upperBound)))
        var loudest: Float = 0
        var position: Int64 = 0
        for _ in 0..<20 {
            position += Int64(renderer.render(sounds, at: position, count: format.periodFrames, wishes: wishes, into: buffers))
            let samples = UnsafeBufferPointer(rebasing: buffers.samples[0..<format.periodFrames * 2])
            loudest = max(loudest, samples.map(abs).max()!)
            // What the device gets never reaches the format's clamp.
            let count = format.periodFrames * 2
            switch sampleFormat {
            case .s16:
                let words = UnsafeBufferPointer(start: buffers.bytes.assumingMemoryBound(to: Int16.self), count: count)
                #expect(words.allSatisfy { $0 > Int16.min && $0 < Int16.max })
            case .s24, .s32:
                let words = UnsafeBufferPointer(start: buffers.bytes.assumingMemoryBound(to: Int32.self), count: count)
                let top: Int32 = sampleFormat == .s24 ? 8_388_607 << 8 : Int32.max
                #expect(words.allSatisfy { $0 > -top && $0 < top })
            case .float:
                let values = UnsafeBufferPointer(start: buffers.bytes.assumingMemoryBound(to: Float.self), count: count)
                #expect(values.allSatisfy { abs($0) < 1 })
            }
        }
        // It was loud enough to clip without the limiter.
        #expect(loudest > Limiter.threshold && loudest <= Limiter.ceiling)
    }

    /// Frames of sound a pause lets through from the period it starts in, at a period size.
    func pauseFadeLength(bufferMilliseconds: Int) throws -> (used: Int, sounding: Int) {
        let sounds = try sounds()
        let format = Self.format(bufferMilliseconds: bufferMilliseconds)
        let buffers = PeriodBuffers(format)
        var renderer = renderer()
        // In the middle of the first prompt, where the session always sounds.
        let start = session.timeline.steps[0].start + 9600
        var used = 0
        var sounding = 0
        for period in 0..<(4800 / format.periodFrames + 2) {
            let count = format.periodFrames
            used += renderer.render(
                sounds, at: start + Int64(used), count: count, wishes: PeriodRenderer.Wishes(paused: true), into: buffers)
            let samples = Array(buffers.samples[0..<count * 2])
            if let last = samples.lastIndex(where: { $0 != 0 }) { sounding = period * count + last / 2 + 1 }
        }
        return (used, sounding)
    }

    @Test func aPauseFadesOutIn30MillisecondsWhateverThePeriod() throws {
        let short = try pauseFadeLength(bufferMilliseconds: 20)
        let long = try pauseFadeLength(bufferMilliseconds: 500)
        #expect(short.used == 1440 && long.used == 1440)
        // The last frame of the fade is silent already: 1439 frames sound.
        #expect(short.sounding == 1439 && long.sounding == 1439)
    }

    /// Where a jump from the first prompt to the second pose's stops differing from the second pose alone.
    func crossfadeLength(bufferMilliseconds: Int) throws -> Int {
        let (old, new) = (try sounds(), try sounds())
        let format = Self.format(bufferMilliseconds: bufferMilliseconds)
        let buffers = PeriodBuffers(format)
        var renderer = renderer()
        let (from, to) = (session.timeline.steps[0].start + 9600, session.timeline.steps[1].start)
        renderer.crossfade(from: old, at: from, jump: true)
        var heard: [Float] = []
        var position = to
        while heard.count < 4800 * 2 {
            position += Int64(renderer.render(new, at: position, count: format.periodFrames, wishes: .init(), into: buffers))
            heard += buffers.samples[0..<format.periodFrames * 2]
        }
        var alone = [Float](repeating: 0, count: heard.count)
        try alone.withUnsafeMutableBufferPointer { try new.mixer.render(from: to, frames: heard.count / 2, into: $0) }
        let last = try #require(heard.indices.last { heard[$0] != alone[$0] })
        return last / 2 + 1
    }

    @Test func aJumpCrossfadesIn40MillisecondsWhateverThePeriod() throws {
        let short = try crossfadeLength(bufferMilliseconds: 20)
        let long = try crossfadeLength(bufferMilliseconds: 500)
        #expect(short == long)
        #expect(short > 1800 && short <= 1920)
    }
}

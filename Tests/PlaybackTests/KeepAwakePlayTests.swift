import Audio
import InMemoryLogging
import Output
import Playback
import Routines
import TestSupport
import Testing
import Timing

/// `play --keep-awake`: the tone under everything the device is given,
/// at the device's stream frames, from the lead-in to the play-out.
@Suite struct KeepAwakePlayTests {
    /// The session of `TestSource`, with the keep-awake tone in its mix.
    final class AwakeSource: SessionSource {
        let plain: TestSource
        init(_ plain: TestSource) { self.plain = plain }
        var pace: Double { 1 }
        func timeline(rate: Int, edits: SessionEdits) throws -> Timeline { try plain.timeline(rate: rate, edits: edits) }
        func mixer(for timeline: Timeline, channels: Int) throws -> Mixer {
            try Mixer(
                timeline: timeline, bank: plain.bank, settings: MixSettings(channels: channels, keepAwake: true),
                supply: .prepared)
        }
        func speech(_ prompts: [PromptRef], rate: Int) -> Sound { plain.speech(prompts, rate: rate) }
    }

    @Test func theToneRunsFromTheLeadInThroughThePlayOutAndChangesNothingElse() throws {
        let session = try ShortSession()
        let opener = ScriptedOpener()
        let logs = InMemoryLogHandler()
        let stream = try DeviceStream(
            request: DeviceRequest(device: "scripted"), opener: opener, logger: logs.logger, giveUpAfter: .seconds(600),
            wait: RecordedWaits().wait)
        let player = try AudioLoop(
            stream: stream, settings: LiveSettings(leadIn: .milliseconds(100)), source: AwakeSource(session.source),
            logger: logs.logger)
        let summary = try player.run { false }
        #expect(!summary.stopped)
        let device = try #require(opener.devices.first)
        let tone = KeepAwakeTone(sampleRate: 48_000)
        let leadIn = 4800
        let sessionFrames = Int(session.timeline.frames)
        // The play-out lasts the tone's fade, longer than the buffer.
        let playOut = max(device.format.bufferFrames, tone.fadeFrames)
        let frames = leadIn + sessionFrames + playOut
        #expect(device.written.count == frames * 2)
        // What the device got, less the tone, is the plain session with silence around it.
        let end = Int64(leadIn + sessionFrames + tone.fadeFrames)
        var largest: Float = 0
        for frame in 0..<min(frames, device.written.count / 2) {
            let index = frame - leadIn
            let toneValue = tone.value(at: Int64(frame)) * tone.envelope(at: Int64(frame), end: end)
            for channel in 0..<2 {
                let plain = index >= 0 && index < sessionFrames ? session.rendered[index * 2 + channel] : 0
                largest = max(largest, abs(device.written[frame * 2 + channel] - plain - toneValue))
            }
        }
        #expect(largest < 1e-6, "the device got up to \(largest) more than the session and the tone")
        // The lead-in carries the tone, fading in; the end fades it out to nothing.
        #expect(device.written.prefix(leadIn * 2).contains { $0 != 0 })
        #expect(abs(device.written[0]) < tone.amplitude * 1e-3 && abs(device.written.last!) < tone.amplitude * 1e-3)
        #expect(device.dropped && device.closed)
    }

    /// On a card that rewinds, a key's earcon takes back what was queued
    /// and makes it again: the tone follows the stream back, so what the
    /// card plays is, frame by frame, the same session and earcon as
    /// without the tone, plus the tone unbroken.
    @Test func aRewindTakesTheToneBackWithTheStream() throws {
        let session = try ShortSession()
        func play(_ source: any SessionSource) throws -> (written: [Float], rewinds: Int) {
            let opener = RewindingOpener()
            let stream = try DeviceStream(
                request: DeviceRequest(device: "rewinding"), opener: opener, logger: InMemoryLogHandler().logger,
                giveUpAfter: .seconds(1), wait: { _, _ in true })
            let player = try AudioLoop(
                stream: stream, settings: LiveSettings(leadIn: .milliseconds(100)), source: source,
                logger: InMemoryLogHandler().logger)
            let device = try #require(opener.device)
            defer { device.onWrite = nil }  // it holds the device and the loop
            device.onWrite = { call in if call == 80 { player.control.perform(.acknowledge) } }
            _ = try player.run { false }
            return (device.written, stream.counters.rewinds.load(ordering: .relaxed))
        }
        let plain = try play(session.source)
        let awake = try play(AwakeSource(session.source))
        #expect(plain.rewinds == 1 && awake.rewinds == 1)
        let tone = KeepAwakeTone(sampleRate: 48_000)
        #expect(awake.written.count >= plain.written.count)
        let frames = awake.written.count / 2
        let end = Int64(frames)
        var largest: Float = 0
        for frame in 0..<frames {
            let toneValue = tone.value(at: Int64(frame)) * tone.envelope(at: Int64(frame), end: end)
            for channel in 0..<2 {
                let index = frame * 2 + channel
                let without = index < plain.written.count ? plain.written[index] : 0
                largest = max(largest, abs(awake.written[index] - toneValue - without))
            }
        }
        #expect(largest < 1e-6, "the stream differs by up to \(largest) from the plain one and the tone")
    }
}

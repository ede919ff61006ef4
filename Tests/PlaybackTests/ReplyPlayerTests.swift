import Audio
import Glibc
import InMemoryLogging
import Output
import Playback
import SystemCalls
import TestSupport
import Testing

/// The answers' own device: what it is given is what an answer sounds
/// like, played out, and a device lost between answers is opened again.
@Suite struct ReplyPlayerTests {
    /// A stream on a device `opener` opens.
    func stream(_ opener: ScriptedOpener) throws -> DeviceStream {
        try DeviceStream(
            request: DeviceRequest(device: "scripted"), opener: opener, logger: InMemoryLogHandler().logger,
            giveUpAfter: .seconds(1), wait: RecordedWaits().wait)
    }

    /// A mono sound of `frames` frames, each `value`.
    func steady(_ value: Int16, frames: Int) -> Sound {
        Sound(channels: 1, samples: [Int16](repeating: value, count: frames))
    }

    @Test func anEarconAndSpeechAreLaidOverOneAnotherThenPlayedOutWithABufferOfSilence() throws {
        let opener = ScriptedOpener()
        let stream = try stream(opener)
        // A first answer holds the reply thread in its first write until the
        // two below are both posted, so it takes them together.
        let writing = WakeUp()
        let posted = WakeUp()
        opener.devices[0].onWrite = { call in
            guard call == 0 else { return }
            writing.signal()
            _ = posted.wait(upTo: .seconds(10))
        }
        let replies = ReplyPlayer(stream: stream, leadIn: .zero, logger: InMemoryLogHandler().logger)
        replies.earcon(steady(500, frames: 10), gain: 1)
        #expect(writing.wait(upTo: .seconds(10)))
        replies.speech(steady(1000, frames: 3000), gain: 1)
        replies.earcon(steady(2000, frames: 1000), gain: 0.5)
        posted.signal()
        replies.finish()

        let device = try #require(opener.devices.first)
        let left = stride(from: 0, to: device.written.count, by: 2).map { device.written[$0] }
        let right = stride(from: 1, to: device.written.count, by: 2).map { device.written[$0] }
        #expect(left == right)
        let period = device.format.periodFrames
        #expect(left.prefix(10).allSatisfy { abs($0 - 500 / PCM16.fullScale) < 1e-6 })
        #expect(left[10..<period].allSatisfy { $0 == 0 })
        // Both started in the same period (taken together), at the gain of the last post.
        let scale = Float(0.5) / PCM16.fullScale
        let both = left[period...]
        #expect(both.prefix(1000).allSatisfy { abs($0 - 3000 * scale) < 1e-6 }, "\(both.prefix(4))")
        #expect(both.dropFirst(1000).prefix(2000).allSatisfy { abs($0 - 1000 * scale) < 1e-6 })
        // Then silence: the rest of the period and a whole buffer, so the device plays it all out.
        let silence = both.dropFirst(3000)
        #expect(silence.allSatisfy { $0 == 0 })
        #expect(silence.count >= device.format.bufferFrames && silence.count < device.format.bufferFrames + period)
        #expect(left.count % period == 0)
        #expect(device.dropped && device.closed)
    }

    @Test func aDeviceLostBetweenAnswersIsOpenedAgainForTheNext() throws {
        let opener = ScriptedOpener(deviceFaults: [[0: ENODEV]])
        let stream = try stream(opener)
        let firstWrite = WakeUp()
        opener.devices[0].onWrite = { _ in firstWrite.signal() }
        let replies = ReplyPlayer(stream: stream, leadIn: .zero, logger: InMemoryLogHandler().logger)
        replies.earcon(steady(2000, frames: 500), gain: 1)
        // The first answer is lost with the device; the next comes once it was being written.
        #expect(firstWrite.wait(upTo: .seconds(10)))
        replies.earcon(steady(4000, frames: 500), gain: 1)
        replies.finish()

        #expect(opener.opens == 2)
        let second = try #require(opener.devices.last)
        #expect(second.written.first == 4000 / PCM16.fullScale, "\(second.written.prefix(2))")
        #expect(second.written.prefix(1000).allSatisfy { $0 == 4000 / PCM16.fullScale })
        #expect(longestLatencyIsTimed(replies))
    }

    /// A hung sound server holds the pulse plugin's write for up to 30 s:
    /// the program's end does not wait for the reply thread held there.
    @Test func finishingDoesNotWaitForAReplyThreadHeldInsideTheDevice() throws {
        let opener = ScriptedOpener()
        let stream = try stream(opener)
        let entered = WakeUp()
        let release = WakeUp()
        let returned = WakeUp()
        opener.devices[0].onWrite = { _ in
            entered.signal()
            _ = release.wait(upTo: .seconds(20))
            returned.signal()
        }
        let replies = ReplyPlayer(stream: stream, leadIn: .zero, logger: InMemoryLogHandler().logger)
        replies.earcon(steady(2000, frames: 500), gain: 1)
        #expect(entered.wait(upTo: .seconds(10)))
        replies.finish()
        #expect(!returned.wait(upTo: .zero), "finish waited until the write returned")
        release.signal()
    }

    /// An idle box keeps no stream open: quiet for a while, the device is
    /// closed; the next answer opens it again and is heard whole, after a
    /// lead-in of silence (as the first answer was).
    @Test func aQuietDeviceIsClosedAndOpenedAgainForTheNextAnswer() throws {
        let opener = ScriptedOpener()
        let stream = try stream(opener)
        let first = try #require(opener.devices.first)
        let replies = ReplyPlayer(
            stream: stream, leadIn: .milliseconds(10), closeAfter: .milliseconds(50), logger: InMemoryLogHandler().logger)
        replies.earcon(steady(2000, frames: 500), gain: 1)
        #expect(eventually { first.closed }, "the device was not closed while quiet")
        replies.earcon(steady(4000, frames: 500), gain: 1)
        replies.finish()

        #expect(opener.opens == 2)
        let second = try #require(opener.devices.last)
        for (device, value) in [(first, 2000), (second, 4000)] {
            let left = stride(from: 0, to: device.written.count, by: 2).map { device.written[$0] }
            #expect(left.prefix(480).allSatisfy { $0 == 0 }, "no lead-in: \(left.prefix(4))")
            #expect(left.dropFirst(480).prefix(500).allSatisfy { $0 == Float(value) / PCM16.fullScale }, "\(left.dropFirst(480).prefix(4))")
            #expect(left.dropFirst(980).allSatisfy { $0 == 0 })
        }
        #expect(longestLatencyIsTimed(replies))
    }

    /// A session holds the device open, opened at once with nothing to
    /// say yet so that its keys wait for no open; released, it closes.
    @Test func aSessionHoldsTheDeviceOpenUntilItEnds() throws {
        let opener = ScriptedOpener()
        let stream = try stream(opener)
        let first = try #require(opener.devices.first)
        let opened = WakeUp()
        opener.onOpen = { opened.signal() }
        let replies = ReplyPlayer(
            stream: stream, leadIn: .milliseconds(10), closeAfter: .milliseconds(50), logger: InMemoryLogHandler().logger)
        #expect(eventually { first.closed }, "the device was not closed while quiet")
        replies.hold()
        #expect(opened.wait(upTo: .seconds(10)), "a session's hold did not open the device")
        let second = try #require(opener.devices.last)
        replies.release()
        #expect(eventually { second.closed }, "the device was not closed once released")
        replies.finish()
        // Only its lead-in was written.
        #expect(second.written.count == 2 * 480 && second.written.allSatisfy { $0 == 0 })
    }

    /// Whether `condition` holds within 10 s, looked at every millisecond.
    private func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            if ContinuousClock.now > deadline { return false }
            usleep(1000)
        }
        return true
    }

    /// Whether the time to an answer was measured at all (a scripted device holds nothing ahead).
    private func longestLatencyIsTimed(_ replies: ReplyPlayer) -> Bool {
        replies.longestLatency > .zero && replies.longestLatency < .seconds(5)
    }
}

import Audio
import InMemoryLogging
import Output
import Playback
import SystemCalls
import Testing
import TestSupport

/// A card's deep buffer, kept full and rewound for keys: a scripted device
/// that plays a period each time it is waited on while full, and takes
/// back what it has not played yet, as `snd_pcm_rewind` does.
@Suite struct RewindTests {
    let session: ShortSession
    init() throws { session = try ShortSession() }

    /// The short session's loop on a rewinding device, with a 100 ms lead-in.
    func loop() throws -> (DeviceStream, AudioLoop, RewindingDevice) {
        let opener = RewindingOpener()
        let stream = try DeviceStream(
            request: DeviceRequest(device: "rewinding"), opener: opener, logger: InMemoryLogHandler().logger,
            giveUpAfter: .seconds(1), wait: { _, _ in true })
        let player = try AudioLoop(
            stream: stream, settings: LiveSettings(leadIn: .milliseconds(100)), source: session.source,
            logger: InMemoryLogHandler().logger)
        return (stream, player, try #require(opener.device))
    }

    /// The session is played with 250 ms kept queued; a key that makes a
    /// sound and changes nothing else comes in the middle of the first
    /// prompt. Its earcon is heard within two periods and the margin of
    /// the device's place, not after the buffer; everything before and
    /// after it is the session exactly as `render` makes it, in place.
    @Test func aKeysEarconIsPutInFrontOfWhatIsQueued() throws {
        let (stream, player, device) = try loop()
        defer { device.onWrite = nil }  // it holds the device and the loop
        var playedAtKey: Int?
        // The 80th write: well into the session, with the buffer full.
        device.onWrite = { call in
            guard call == 80 else { return }
            playedAtKey = device.played
            player.control.perform(.acknowledge)
        }
        let summary = try player.run { false }
        #expect(!summary.stopped)
        #expect(stream.counters.rewinds.load(ordering: .relaxed) == 1)

        let leadIn = 4800
        let heard = Array(device.written.dropFirst(leadIn * 2))
        let rendered = session.rendered
        let key = try #require(playedAtKey) - leadIn
        let onset = try #require(firstDifference(heard, rendered)) / 2
        let period = device.format.periodFrames
        #expect(onset >= key, "the earcon came before the key: \(onset) < \(key)")
        // One period played while the loop woke, then at most the margin and a period left in front.
        #expect(onset - key <= 2 * period + RewindingDevice.margin, "heard \(onset - key) frames after the key")
        // After the earcon, the session goes on in place to its end.
        let earcon = 48_000 / 2
        let last = try #require(rendered.indices.last { $0 < heard.count && heard[$0] != rendered[$0] }) / 2
        #expect(last - onset < earcon, "the session differs \(last - onset) frames after the earcon began")
        #expect(heard.count >= rendered.count)
        #expect(heard.dropFirst(rendered.count).allSatisfy { $0 == 0 })
    }

    /// Ctrl-C (a stop with no earcon) in the middle of the session: the fade
    /// out starts where the listener is, not after the 250 ms queued.
    @Test func aStopFadesOutFromWhereTheListenerIs() throws {
        let (stream, player, device) = try loop()
        defer { device.onWrite = nil }  // it holds the device
        var playedAtStop: Int?
        device.onWrite = { call in
            if call == 80 { playedAtStop = device.played }
        }
        let summary = try player.run { playedAtStop != nil }
        #expect(summary.stopped)
        #expect(stream.counters.rewinds.load(ordering: .relaxed) == 1)
        let leadIn = 4800
        let heard = Array(device.written.dropFirst(leadIn * 2))
        let stop = try #require(playedAtStop) - leadIn
        let fadeStart = try #require(firstDifference(heard, session.rendered)) / 2
        #expect(fadeStart >= stop && fadeStart - stop <= 2 * device.format.periodFrames + RewindingDevice.margin)
        #expect(Int(summary.playedFrames) - fadeStart <= 2880 + 1)
    }
}

/// A device with a buffer of 10 periods, kept full: it plays a period
/// whenever the stream waits on it with no room for one, and rewinds what
/// it holds less a margin.
final class RewindingDevice: PCMDevice {
    static let margin = 600
    let format = DeviceFormat(
        sampleRate: 48_000, channels: 2, sampleFormat: .float, periodFrames: 1200, bufferFrames: 12_000,
        fillFrames: 12_000, keepsTime: false, rewinds: true)
    /// Every frame written and not taken back, as float samples.
    private(set) var written: [Float] = []
    /// Frames played so far.
    private(set) var played = 0
    private var writeCalls = 0
    /// Called at the start of each write with its number.
    var onWrite: ((Int) -> Void)?

    private var queued: Int { written.count / 2 - played }

    func write(_ bytes: UnsafeRawPointer, frames: Int) throws(DeviceError) -> Int {
        onWrite?(writeCalls)
        writeCalls += 1
        let taken = min(frames, format.bufferFrames - queued)
        written += UnsafeBufferPointer(start: bytes.assumingMemoryBound(to: Float.self), count: taken * 2)
        return taken
    }

    /// Room for a period at once, as a card's `poll` says; when full, a period is played first.
    func waitForRoom(upTo timeout: Duration, wakeUp: WakeUp) -> DeviceWait {
        if format.bufferFrames - queued < format.periodFrames { played += format.periodFrames }
        return .ready
    }

    func rewindable() -> Int { max(0, queued - Self.margin) }

    func rewind(_ frames: Int) -> Bool {
        guard frames <= rewindable() else { return false }
        written.removeLast(frames * 2)
        return true
    }

    func prepare() throws(DeviceError) {}
    func resume() throws(DeviceError) -> Bool { true }
    func delay() -> Int { queued }
    func drop() {}
    func close() {}
}

final class RewindingOpener: PCMOpener, @unchecked Sendable {
    private(set) var device: RewindingDevice?

    func open(_ request: DeviceRequest) throws(DeviceError) -> any PCMDevice {
        let device = RewindingDevice()
        self.device = device
        return device
    }
}

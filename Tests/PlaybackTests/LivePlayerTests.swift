import Audio
import Glibc
import InMemoryLogging
import Output
import Playback
import Routines
import TestSupport
import Synchronization
import Testing
import Timing

/// Live playback through scripted devices: what is heard after underruns,
/// suspends, a lost device, a busy one, and a stop.
@Suite struct LivePlayerTests {
    let session: ShortSession
    var timeline: Timeline { session.timeline }
    var rendered: [Float] { session.rendered }
    let leadIn = 4800

    init() throws { session = try ShortSession() }

    func play(
        _ opener: ScriptedOpener, waits: RecordedWaits = RecordedWaits(), logs: InMemoryLogHandler = InMemoryLogHandler(),
        giveUpAfter: Duration = .seconds(600), stopAt stopCall: Int = .max
    ) throws -> PlaybackSummary {
        try playWithControl(opener, waits: waits, logs: logs, giveUpAfter: giveUpAfter, stopAt: stopCall).summary
    }

    /// `play`, with the control handle the session had, to read after it.
    func playWithControl(
        _ opener: ScriptedOpener, waits: RecordedWaits = RecordedWaits(), logs: InMemoryLogHandler = InMemoryLogHandler(),
        giveUpAfter: Duration = .seconds(600), stopAt stopCall: Int = .max
    ) throws -> (summary: PlaybackSummary, control: PlayerControl) {
        let stream = try DeviceStream(
            request: DeviceRequest(device: "scripted"), opener: opener, logger: logs.logger, giveUpAfter: giveUpAfter,
            wait: waits.wait)
        let player = try AudioLoop(
            stream: stream, settings: LiveSettings(leadIn: .milliseconds(100), giveUpAfter: giveUpAfter),
            source: session.source, logger: logs.logger)
        var calls = 0
        let summary = try player.run {
            calls += 1
            return calls > stopCall
        }
        return (summary, player.control)
    }

    @Test func underrunsAndSuspendsLoseNothing() throws {
        let opener = ScriptedOpener(deviceFaults: [[30: EPIPE, 31: EPIPE, 200: ESTRPIPE, 500: EINTR]])
        let summary = try play(opener)
        let device = try #require(opener.devices.first)
        #expect(summary.underruns == 2 && summary.suspends == 1 && summary.reopens == 0 && !summary.stopped)
        #expect(device.prepares == 2)
        // The lead-in, the session, and a buffer of silence to play it out.
        #expect(device.written.count == (leadIn + Int(timeline.frames) + device.format.bufferFrames) * 2)
        #expect(device.written.prefix(leadIn * 2).allSatisfy { $0 == 0 })
        #expect(firstDifference(device.written.dropFirst(leadIn * 2).prefix(rendered.count), rendered) == nil)
        #expect(device.written.suffix(device.format.bufferFrames * 2).allSatisfy { $0 == 0 })
        #expect(device.dropped && device.closed)
        #expect(summary.missedSounds == 0)
    }

    @Test func withNoLeadInTheFirstPromptIsMadeBeforeItIsPlayed() throws {
        // A device that keeps time: the audio thread does not wait for each
        // period's sounds, only for the first period's after the lead-in.
        let opener = ScriptedOpener()
        opener.keepsTime = true
        let stream = try DeviceStream(
            request: DeviceRequest(device: "scripted"), opener: opener, logger: InMemoryLogHandler().logger,
            giveUpAfter: .seconds(600), wait: RecordedWaits().wait)
        let player = try AudioLoop(
            stream: stream, settings: LiveSettings(leadIn: .zero), source: session.source, logger: InMemoryLogHandler().logger)
        var calls = 0
        let summary = try player.run {
            calls += 1
            return calls > 4
        }
        let device = try #require(opener.devices.first)
        // What was played before the 60 ms fade of the stop.
        let played = (Int(summary.playedFrames) - 2880) * 2
        #expect(played > 0 && rendered.prefix(played).contains { $0 != 0 })
        #expect(firstDifference(device.written.prefix(played), rendered.prefix(played)) == nil)
        #expect(summary.missedSounds == 0)
    }

    @Test func aLostDeviceIsReopenedAndTheCurrentPoseAnnouncedAgain() throws {
        // Lost on the 700th write (well inside the second step), then two failed reopens.
        let opener = ScriptedOpener(deviceFaults: [[700: ENODEV]])
        let waits = RecordedWaits()
        let logs = InMemoryLogHandler()
        let (summary, control) = try playWithControl(opener, waits: waits, logs: logs)
        #expect(summary.reopens == 1)
        #expect(waits.waits == [.milliseconds(500)])
        let (first, second) = (opener.devices[0], opener.devices[1])
        #expect(first.closed && !first.dropped)

        // What the first device took, then what the second took after its lead-in.
        let lostAt = first.written.count / 2 - leadIn
        let resume = timeline.frame(of: timeline.resumePoint(for: Int64(lostAt - 4800)))
        #expect(firstDifference(first.written.dropFirst(leadIn * 2), rendered.prefix(lostAt * 2)) == nil)
        let after = Array(second.written.dropFirst(leadIn * 2).dropLast(second.format.bufferFrames * 2))
        #expect(after.count == rendered.count - Int(resume) * 2)
        // A 30 ms fade-in, then exactly the session from the resume point on.
        let fade = 1440 * 2
        #expect(firstDifference(after.dropFirst(fade), rendered.dropFirst(Int(resume) * 2 + fade)) == nil)
        #expect(zip(after.prefix(fade), rendered.dropFirst(Int(resume) * 2)).allSatisfy { abs($0) <= abs($1) })

        // Heard: every planned cue in order, and the step's announcement again after the reopen.
        let step = try #require(timeline.steps.firstIndex { $0.start == resume })
        #expect(Int64(lostAt) > timeline.steps[step].start)
        let replayed = timeline.cues.filter { $0.frame >= resume && $0.frame < Int64(lostAt) }
        #expect(replayed.first?.kind == .voice)
        // The control side is told, so a plain terminal prints the step's line again.
        #expect(control.stepsReplayed == 1)
        #expect(logs.count(atLeast: .warning) == 1)
        let lost = logs.entries.first { $0.level == .warning }
        #expect(lost?.metadata["device"] == "scripted", "the journal can tell which device was lost")
    }

    @Test func aDeviceBackAtARateTheSessionCannotBeRebuiltAtEndsWithItsError() throws {
        let opener = ScriptedOpener(deviceFaults: [[40: ENODEV]])
        opener.sampleRates = [48_000, 44_100]
        let logs = InMemoryLogHandler()
        let stream = try DeviceStream(
            request: DeviceRequest(device: "scripted"), opener: opener, logger: logs.logger,
            giveUpAfter: .seconds(600), wait: RecordedWaits().wait)
        let player = try AudioLoop(
            stream: stream, settings: LiveSettings(leadIn: .milliseconds(100)),
            source: FixedRateSource(inner: session.source, rate: 48_000), logger: logs.logger)
        #expect(throws: FixedRateSource.Refused(rate: 44_100)) { try player.run { false } }
        #expect(opener.devices.count == 2)
        // Nothing of the session was played on the device that came back.
        #expect(opener.devices[1].written.isEmpty && opener.devices[1].closed)
    }

    @Test func aDeviceBackAtAnotherRateGetsTheSessionRebuiltAtThatRate() throws {
        let opener = ScriptedOpener(deviceFaults: [[700: ENODEV]])
        opener.sampleRates = [48_000, 44_100]
        let source = AnyRateSource(routine: ShortSession.routine)
        let stream = try DeviceStream(
            request: DeviceRequest(device: "scripted"), opener: opener, logger: InMemoryLogHandler().logger,
            giveUpAfter: .seconds(600), wait: RecordedWaits().wait)
        let player = try AudioLoop(
            stream: stream, settings: LiveSettings(leadIn: .milliseconds(100)), source: source,
            logger: InMemoryLogHandler().logger)
        let summary = try player.run { false }
        #expect(summary.reopens == 1 && !summary.stopped && summary.sampleRate == 44_100)
        // The control side took in the session laid out anew.
        player.control.tidyUp()
        #expect(player.control.timeline.sampleRate == 44_100)

        // The second device heard its lead-in, then the session at 44.1 kHz
        // from the step it was lost in, after the fade-in.
        let first = opener.devices[0]
        let lostAt = first.written.count / 2 - leadIn
        let timeline = try source.timeline(rate: 44_100, edits: SessionEdits())
        let resumeFrame = Int(timeline.frame(of: self.timeline.resumePoint(for: Int64(lostAt - 4800))))
        let rendered = try ShortSession.render(timeline, bank: source.bank(44_100))
        let second = opener.devices[1]
        let after = Array(second.written.dropFirst(4410 * 2).dropLast(second.format.bufferFrames * 2))
        let fade = 1323 * 2
        #expect(after.count == rendered.count - resumeFrame * 2)
        #expect(firstDifference(after.dropFirst(fade), rendered.dropFirst(resumeFrame * 2 + fade)) == nil)
    }

    @Test func aReopenWaitsLongerEachTimeAndGivesUp() throws {
        let opener = ScriptedOpener(deviceFaults: [[100: ENODEV]])
        let waits = RecordedWaits()
        // Every reopen fails: the scripted opener runs out of devices to give.
        let failing = FailingAfterFirstOpener(inner: opener)
        #expect(throws: DeviceError.self) {
            let stream = try DeviceStream(
                request: DeviceRequest(device: "scripted"), opener: failing, logger: InMemoryLogHandler().logger,
                giveUpAfter: .seconds(20), wait: waits.wait)
            let player = try AudioLoop(
                stream: stream, settings: LiveSettings(leadIn: .milliseconds(100), giveUpAfter: .seconds(20)),
                source: session.source, logger: InMemoryLogHandler().logger)
            _ = try player.run { false }
        }
        #expect(waits.waits.prefix(6) == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(5), .seconds(5)])
        #expect(waits.total >= .seconds(20) && waits.total < .seconds(26))
    }

    @Test func stoppingWhileTheDeviceIsGoneEndsTheWaitAtOnce() throws {
        let waits = RecordedWaits()
        let stream = try DeviceStream(
            request: DeviceRequest(device: "scripted"),
            opener: FailingAfterFirstOpener(inner: ScriptedOpener(deviceFaults: [[100: ENODEV]])),
            logger: InMemoryLogHandler().logger, giveUpAfter: .seconds(600), wait: waits.wait)
        let player = try AudioLoop(
            stream: stream, settings: LiveSettings(leadIn: .milliseconds(100)), source: session.source,
            logger: InMemoryLogHandler().logger)
        // The user presses q during the second wait for the device.
        waits.onWait = { if $0 == 2 { player.control.perform(.stop) } }
        let summary = try player.run { false }
        waits.onWait = nil  // it holds the player, which holds the waits

        #expect(summary.stopped)
        #expect(waits.waits == [.milliseconds(500), .seconds(1)])
    }

    @Test func aBusyDeviceIsWaitedForWithOneLogLine() throws {
        let opener = ScriptedOpener(failures: Array(repeating: EBUSY, count: 12))
        let waits = RecordedWaits()
        let logs = InMemoryLogHandler()
        _ = try DeviceStream(
            request: DeviceRequest(device: "scripted"), opener: opener, logger: logs.logger, giveUpAfter: .seconds(600),
            wait: waits.wait)
        #expect(waits.waits == Array(repeating: .milliseconds(100), count: 10) + [.milliseconds(500), .seconds(1)])
        #expect(logs.count(atLeast: .info) == 1)
    }

    @Test func anAbsentDeviceFailsAtOnce() {
        let waits = RecordedWaits()
        #expect(throws: DeviceError(device: "scripted", function: "snd_pcm_open", code: ENOENT, text: "No such file or directory")) {
            try DeviceStream(
                request: DeviceRequest(device: "scripted"), opener: ScriptedOpener(failures: [ENOENT]),
                logger: InMemoryLogHandler().logger, giveUpAfter: .seconds(600), wait: waits.wait)
        }
        #expect(waits.waits.isEmpty)
    }

    @Test func stoppingFadesOutWithinAHundredMillisecondsAndDrains() throws {
        let opener = ScriptedOpener()
        // Stop when the loop asks for the 40th time: in the middle of the first prompt.
        let summary = try play(opener, stopAt: 40)
        let device = try #require(opener.devices.first)
        #expect(summary.stopped)
        #expect(device.dropped)
        let heard = Array(device.written.dropFirst(leadIn * 2))
        // The session up to the fade, the 60 ms fade, then a buffer of silence played out.
        let fade = 2880
        let beforeStop = (Int(summary.playedFrames) - fade) * 2
        #expect(firstDifference(heard.prefix(beforeStop), rendered.prefix(beforeStop)) == nil)
        let tail = heard.dropFirst(beforeStop)
        #expect(tail.count <= (fade + 1200 + device.format.bufferFrames) * 2)
        #expect(tail.suffix(device.format.bufferFrames * 2).allSatisfy { $0 == 0 })
        #expect(tail.dropLast(device.format.bufferFrames * 2).suffix(2).allSatisfy { abs($0) < 0.001 })
    }
}

/// Opens one scripted device, then fails every later open as if the card were gone.
final class FailingAfterFirstOpener: PCMOpener, @unchecked Sendable {
    let inner: ScriptedOpener
    init(inner: ScriptedOpener) { self.inner = inner }

    func open(_ request: DeviceRequest) throws(DeviceError) -> any PCMDevice {
        guard inner.opens == 0 else {
            throw DeviceError(device: request.device, function: "snd_pcm_open", code: ENODEV, text: "No such device")
        }
        return try inner.open(request)
    }
}

/// A session that can be laid out at one rate only: rebuilding it at
/// another fails, as when a prompt file went missing while playing.
final class FixedRateSource: SessionSource {
    struct Refused: Error, Equatable {
        let rate: Int
    }

    let inner: TestSource
    let rate: Int

    init(inner: TestSource, rate: Int) {
        self.inner = inner
        self.rate = rate
    }

    var pace: Double { inner.pace }

    func timeline(rate: Int, edits: SessionEdits) throws -> Timeline {
        guard rate == self.rate else { throw Refused(rate: rate) }
        return try inner.timeline(rate: rate, edits: edits)
    }

    func mixer(for timeline: Timeline, channels: Int) throws -> Mixer { try inner.mixer(for: timeline, channels: channels) }
    func speech(_ prompts: [PromptRef], rate: Int) -> Sound { inner.speech(prompts, rate: rate) }
}

/// A session that can be laid out at any rate, each with its own sound bank.
final class AnyRateSource: SessionSource {
    let routine: Routine
    private let banks = Mutex<[Int: SoundBank]>([:])

    init(routine: Routine) { self.routine = routine }

    func bank(_ rate: Int) throws -> SoundBank {
        if let known = banks.withLock({ $0[rate] }) { return known }
        let made = try SoundBank(sampleRate: rate, voiceFolder: Repository.voiceFolder)
        banks.withLock { $0[rate] = made }
        return made
    }

    var pace: Double { 1 }

    func timeline(rate: Int, edits: SessionEdits) throws -> Timeline {
        try Timeline(routine: routine, options: SessionOptions(sampleRate: rate), sounds: bank(rate), edits: edits)
    }

    func mixer(for timeline: Timeline, channels: Int) throws -> Mixer {
        try Mixer(
            timeline: timeline, bank: bank(timeline.sampleRate), settings: MixSettings(channels: channels), supply: .prepared)
    }

    func speech(_ prompts: [PromptRef], rate: Int) -> Sound { (try? bank(rate).speech(prompts)) ?? .silence }
}

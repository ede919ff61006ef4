import Audio
import Foundation
import InMemoryLogging
import Output
import Playback
import Routines
import TestSupport
import Testing
import Timing

/// Requests while playing, through a scripted device: each request is given
/// at a known write, and what the device took is compared with the render.
@Suite struct ControlTests {
    static let period = 1200
    let session: ShortSession
    var timeline: Timeline { session.timeline }
    var rendered: [Float] { session.rendered }
    let leadIn = 4800

    init() throws { session = try ShortSession() }

    /// Plays the session, giving `commands` at the writes they are keyed by
    /// (counted from the first write after the lead-in), and returns what
    /// the device took after the lead-in and before the buffer of silence
    /// that plays the end out (checked to be silence).
    func play(_ commands: [Int: Request]) throws -> (heard: [Float], summary: PlaybackSummary, player: AudioLoop) {
        try play(commands.mapValues { [$0] })
    }

    /// The same, with several commands given together at a write.
    func play(_ commands: [Int: [Request]], source: TestSource? = nil) throws
        -> (heard: [Float], summary: PlaybackSummary, player: AudioLoop)
    {
        let opener = ScriptedOpener()
        let stream = try DeviceStream(
            request: DeviceRequest(device: "scripted"), opener: opener, logger: InMemoryLogHandler().logger,
            giveUpAfter: .seconds(1), wait: { _, _ in true })
        let player = try AudioLoop(
            stream: stream, settings: LiveSettings(leadIn: .milliseconds(100)),
            source: source ?? session.source, logger: InMemoryLogHandler().logger)
        let device = opener.devices[0]
        device.largestWrite = Self.period
        let leadInWrites = leadIn / Self.period
        device.onWrite = { call in
            for command in commands[call - leadInWrites] ?? [] { player.control.perform(command) }
        }
        let summary = try player.run { false }
        // The commands' closure holds the player, which holds the device: let go of it.
        device.onWrite = nil
        let tail = device.format.bufferFrames * 2
        #expect(device.written.suffix(tail).allSatisfy { $0 == 0 }, "the end is not played out in silence")
        return (Array(device.written.dropFirst(leadIn * 2).dropLast(tail)), summary, player)
    }

    func slice(_ samples: [Float], frames: Range<Int>) -> [Float] {
        Array(samples[(frames.lowerBound * 2)..<(frames.upperBound * 2)])
    }

    @Test func pauseLeavesExactlyTheSilenceItLastedAndResumesWhereItWas() throws {
        // Keys at writes 100 and 160 take effect on the periods after them:
        // from 101 the session fades out over 30 ms (1440 frames), then it is
        // silence until 161 fades back in.
        let (heard, summary, _) = try play([100: .toggle, 160: .toggle])
        let pausedFor = 60 * Self.period - 1440
        #expect(!summary.stopped && summary.playedFrames == timeline.frames)
        #expect(heard.count == rendered.count + pausedFor * 2)
        // Until the pause the session as rendered; then one fading period.
        #expect(firstDifference(slice(heard, frames: 0..<(100 * Self.period)), slice(rendered, frames: 0..<(100 * Self.period))) == nil)
        // After the pause earcon (240 ms) the silence is exact.
        let silence = slice(heard, frames: (111 * Self.period)..<(160 * Self.period))
        #expect(silence.allSatisfy { $0 == 0 })
        // Once the fade-in period and the resume earcon are over, the session goes on where it stopped.
        let back = 175 * Self.period
        let resumed = back - pausedFor
        #expect(firstDifference(slice(heard, frames: back..<(back + 48_000)), slice(rendered, frames: resumed..<(resumed + 48_000))) == nil)
    }

    @Test func nextLandsOnTheNextAnnouncement() throws {
        // Half a second into the opening bell: next is the first pose's announcement.
        let (heard, _, _) = try play([20: .edit(.next)])
        let next = Int(timeline.steps[0].start)
        // Period 21 crossfades into the new place; once the earcon is over it is the session from there on.
        let after = 30 * Self.period
        let expected = next + (after - 21 * Self.period)
        #expect(firstDifference(slice(heard, frames: after..<(after + 48_000)), slice(rendered, frames: expected..<(expected + 48_000))) == nil)
        #expect(heard.count / 2 == 21 * Self.period + Int(timeline.frames) - next)
    }

    /// `next` returns before the audio thread has taken the move (here it
    /// is busy writing), and what it answers is where the move lands.
    @Test func aMoveIsAnsweredWithWhereItLandsBeforeItIsHeard() throws {
        let opener = ScriptedOpener()
        let stream = try DeviceStream(
            request: DeviceRequest(device: "scripted"), opener: opener, logger: InMemoryLogHandler().logger,
            giveUpAfter: .seconds(1), wait: { _, _ in true })
        let player = try AudioLoop(
            stream: stream, settings: LiveSettings(leadIn: .milliseconds(100)), source: session.source,
            logger: InMemoryLogHandler().logger)
        let device = opener.devices[0]
        device.largestWrite = Self.period
        var answered: [Int] = []
        device.onWrite = { call in
            guard call == 24 else { return }
            answered.append(player.control.status.stepNumber)
            player.control.perform(.edit(.next))
            answered.append(player.control.status.stepNumber)
        }
        let summary = try player.run { false }
        device.onWrite = nil
        #expect(answered == [0, 1], "the step before and after next: \(answered)")
        #expect(!summary.stopped)
    }

    @Test(arguments: [-2, -6, -5])
    func aVolumeRequestScalesEverythingAfterItByItsWholeSteps(decibels: Int) throws {
        let (heard, _, player) = try play([10: .volume(decibels)])
        // One request, one change: -5 dB is rounded to the nearer whole step, -6.
        let change = decibels == -5 ? -6.0 : Double(decibels)
        #expect(player.control.status.volume == change)
        let start = 10 * Self.period + 8 * Self.period
        let gain = Float(decibels: change)
        let expected = slice(rendered, frames: start..<(start + 96_000)).map { $0 * gain }
        let got = slice(heard, frames: start..<(start + 96_000))
        #expect(zip(got, expected).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func breathingTonesGoOffAndTheRestStays() throws {
        let (heard, _, _) = try play([0: .toggleBreath])
        let expected = try ShortSession.render(timeline, bank: session.bank, settings: MixSettings(muted: [.breath]))
        let after = 20 * Self.period
        #expect(firstDifference(slice(heard, frames: after..<Int(timeline.frames)), slice(expected, frames: after..<Int(timeline.frames))) == nil)
    }

    @Test func everyKeyIsAnsweredAtTheNextPeriod() throws {
        for command: Request in [.toggle, .volume(2), .toggleBreath, .edit(.lengthen), .whereAmI, .unknown] {
            // A pause is ended again, or the session would never finish.
            let (heard, _, player) = try play(command == .toggle ? [40: command, 60: command] : [40: command])
            // The key came during write 40: period 41 carries the earcon.
            let period = slice(heard, frames: (41 * Self.period)..<(42 * Self.period))
            let plain = slice(rendered, frames: (41 * Self.period)..<(42 * Self.period))
            #expect(firstDifference(period, plain) != nil, "\(command) has no earcon")
            // The device took the earcon one period after the key: within 80 ms.
            #expect(player.control.longestKeyLatency <= 2 * Self.period, "\(command)")
        }
    }

    @Test func whereAmISpeaksOverTheDuckedSession() throws {
        let (heard, _, _) = try play([20: .whereAmI])
        // The earcon (120 ms), then the words: far louder than the session under them.
        let spoken = slice(heard, frames: (26 * Self.period)..<(60 * Self.period))
        let session = slice(rendered, frames: (26 * Self.period)..<(60 * Self.period))
        #expect(spoken.map(abs).max()! > 0.2)
        #expect(firstDifference(spoken, session) != nil)
    }

    @Test func lengtheningAddsTenSecondsToTheSession() throws {
        let hold = Int(timeline.steps[0].holdStart) / Self.period + 10
        let (heard, summary, _) = try play([hold: .edit(.lengthen)])
        #expect(summary.playedFrames == timeline.frames + 480_000)
        #expect(heard.count / 2 == Int(timeline.frames) + 480_000)
    }

    @Test func stopPlaysItsEarconThenFadesOut() throws {
        let (heard, summary, _) = try play([30: .stop])
        #expect(summary.stopped)
        // The stop earcon (440 ms) is heard whole, then at most one more period and the 60 ms fade.
        let earcon = Earcon.stop.sound(rate: 48_000).frames
        let tail = heard.count / 2 - 31 * Self.period
        #expect(tail >= earcon && tail <= earcon + Self.period + 2880)
        #expect(heard.suffix(2).allSatisfy { abs($0) < 0.001 })
    }

    @Test func aMoveWhilePausedIsHeardOnResuming() throws {
        // Paused at 50, next at 60, resumed at 80: the first step's announcement follows.
        let (heard, _, _) = try play([50: [.pause], 60: [.edit(.next)], 80: [.resume]])
        let next = Int(timeline.steps[0].start)
        let after = 95 * Self.period
        let expected = next + (after - 81 * Self.period)
        #expect(firstDifference(slice(heard, frames: after..<(after + 48_000)), slice(rendered, frames: expected..<(expected + 48_000))) == nil)
    }

    @Test func aJumpFollowedAtOnceByALongerHoldKeepsBoth() throws {
        // In the first hold: next, and in the same moment, + (on the pose next lands on).
        let hold = Int(timeline.steps[0].holdStart) / Self.period + 4
        let (heard, summary, _) = try play([hold: [.edit(.next), .edit(.lengthen)]])
        let skipped = Int(timeline.steps[1].start) - (hold + 1) * Self.period
        #expect(summary.playedFrames == timeline.frames + 480_000)
        #expect(heard.count / 2 == Int(timeline.frames) + 480_000 - skipped)
    }

    @Test func aSoundThatFailsLeavesTheOthersPlaying() throws {
        // Pose one's prompt is a file that disappears once the session is laid out.
        let folder = Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let prompt = folder + "/one.wav"
        try FileManager.default.copyItem(atPath: Repository.voiceFolder + "/side.left.wav", toPath: prompt)
        var routine = ShortSession.routine
        routine.poses[0].prompt = PromptRef(.file(prompt))
        let source = TestSource(routine: routine, bank: session.bank)
        let timeline = try source.timeline(rate: 48_000, edits: SessionEdits())
        let opener = ScriptedOpener()
        let stream = try DeviceStream(
            request: DeviceRequest(device: "scripted"), opener: opener, logger: InMemoryLogHandler().logger,
            giveUpAfter: .seconds(1), wait: { _, _ in true })
        let player = try AudioLoop(stream: stream, settings: LiveSettings(leadIn: .zero), source: source, logger: InMemoryLogHandler().logger)
        try FileManager.default.removeItem(atPath: prompt)
        let summary = try player.run { false }
        #expect(summary.missedSounds == 1)
        // The chime that starts pose one's hold, and its breathing tones, sound as rendered.
        let expected = try ShortSession.render(timeline, bank: session.bank, settings: MixSettings(muted: [.voice]))
        let hold = Int(timeline.steps[0].holdStart)
        let heard = opener.devices[0].written
        let window = (hold * 2)..<((hold + 48_000) * 2)
        #expect(firstDifference(heard[window], expected[window]) == nil)
    }
}

import Audio
import Glibc
import InMemoryLogging
import Output
import Playback
import Routines
import Synchronization
import SystemCalls
import TestSupport
import Testing
import Timing

/// A device that stops taking frames, as a sound server stopped with
/// SIGSTOP does, and an audio loop that must never wait on anything but
/// the device: real waits on real threads, bounded by what they prove.
@Suite struct HungDeviceTests {
    let session: ShortSession
    var timeline: Timeline { session.timeline }
    let leadIn = 4800

    init() throws { session = try ShortSession() }

    func loop(
        _ opener: ScriptedOpener, stallTimeout: Duration, source: (any SessionSource)? = nil,
        logs: InMemoryLogHandler = InMemoryLogHandler()
    ) throws -> AudioLoop {
        let stream = try DeviceStream(
            request: DeviceRequest(device: "scripted"), opener: opener, logger: logs.logger,
            giveUpAfter: .seconds(60), stallTimeout: stallTimeout, wait: RecordedWaits().wait)
        return try AudioLoop(
            stream: stream, settings: LiveSettings(leadIn: .milliseconds(100)), source: source ?? session.source,
            logger: logs.logger)
    }

    @Test func aStopEndsASessionWhoseDeviceTakesNothingWithin200Milliseconds() throws {
        let opener = ScriptedOpener()
        opener.keepsTime = true
        let player = try loop(opener, stallTimeout: .seconds(30))
        let device = opener.devices[0]
        device.hangsFrom = 60
        // The control thread presses q once the device hangs.
        let hung = WakeUp()
        device.onHang = { hung.signal() }
        let pressed = Mutex<ContinuousClock.Instant?>(nil)
        let handle = player.control
        let control = BackgroundThread {
            guard hung.wait(upTo: .seconds(10)) else { return }
            pressed.withLock { $0 = .now }
            handle.perform(.stop)
        }
        let summary = try player.run { false }
        let ended = ContinuousClock.now
        control.join()
        let pressedAt = try #require(pressed.withLock { $0 }, "the device never hung")
        #expect(ended - pressedAt < .milliseconds(200), "stopped \(ended - pressedAt) after q")
        #expect(summary.stopped && summary.reopens == 0)
        // Not asked to drop what it holds (a hung server never answers that):
        // let go, and closed on a thread of its own.
        #expect(!device.dropped)
        let closing = ContinuousClock.now
        while !device.closed && ContinuousClock.now - closing < .seconds(2) { SystemCalls.sleep(for: .milliseconds(10)) }
        #expect(device.closed)
    }

    /// ALSA's PipeWire plugin with its server killed fails every write after
    /// a restart as an underrun at once, having taken the frames before or
    /// none: taken for lost after the stall timeout and reopened, not
    /// restarted for ever at full speed (issue 32).
    @Test(arguments: [false, true])
    func aDeviceThatRunsDryAtOnceAfterEveryRestartIsReopened(takingNothing: Bool) throws {
        let opener = ScriptedOpener()
        opener.keepsTime = true
        let logs = InMemoryLogHandler()
        let player = try loop(opener, stallTimeout: .milliseconds(100), logs: logs)
        let first = opener.devices[0]
        // In real time for its first 20 writes of 1000 frames, then about 50 times faster.
        first.onWrite = { call in SystemCalls.sleep(for: .microseconds(call < 20 ? 20_833 : 100)) }
        first.runsDryFrom = 20
        first.takesNothingDry = takingNothing
        let summary = try player.run { false }
        #expect(summary.reopens == 1 && !summary.stopped)
        #expect(opener.devices.count == 2 && first.closed)
        // About 100 ms of restarts at a write every 100 µs or more (some 1000 at most), not the rest of the session's.
        #expect(first.prepares > 5 && first.prepares < 1500, "\(first.prepares) restarts")
        #expect(logs.entries.contains { "\($0.message)".contains("runs dry at once after every restart") })
    }

    @Test func aDeviceThatTakesNothingPastTheTimeoutIsReopenedAndNoCueIsLost() throws {
        let opener = ScriptedOpener()
        let player = try loop(opener, stallTimeout: .milliseconds(300))
        let first = opener.devices[0]
        // Well inside the second step, the device stops taking frames.
        first.hangsFrom = 700
        let summary = try player.run { false }
        #expect(summary.reopens == 1 && !summary.stopped)
        let second = try #require(opener.devices.last)
        #expect(opener.devices.count == 2 && first.closed)

        // The first device heard the session up to the hang; the second the
        // lead-in, then the session from the resume point on, after its fade-in.
        let rendered = session.rendered
        let lostAt = first.written.count / 2 - leadIn
        #expect(firstDifference(first.written.dropFirst(leadIn * 2), rendered.prefix(lostAt * 2)) == nil)
        let resume = timeline.frame(of: timeline.resumePoint(for: Int64(lostAt - 4800)))
        #expect(resume <= Int64(lostAt))
        let after = Array(second.written.dropFirst(leadIn * 2).dropLast(second.format.bufferFrames * 2))
        let fade = 1440 * 2
        #expect(after.count == rendered.count - Int(resume) * 2)
        #expect(firstDifference(after.dropFirst(fade), rendered.dropFirst(Int(resume) * 2 + fade)) == nil)
        // Every cue after the resume point is heard again, in order.
        let replayed = timeline.cues.filter { $0.frame >= resume }
        #expect(replayed.first?.kind == .voice && replayed.count > timeline.cues.count / 3)
    }

    @Test func theLoopNeverWaitsOnTheControlThreadOrThePreparers() throws {
        // Building each new layout takes the control thread 300 ms, under its
        // own lock, and each write takes up to 2 ms at random.
        let slow = SlowSource(inner: session.source, delay: .milliseconds(300))
        let opener = ScriptedOpener()
        opener.keepsTime = true
        let logs = InMemoryLogHandler()
        let player = try loop(opener, stallTimeout: .seconds(30), source: slow, logs: logs)
        let device = opener.devices[0]
        device.slowestWrite = .milliseconds(2)
        let started = WakeUp()
        device.onWrite = { call in if call == 40 { started.signal() } }
        let handle = player.control
        // Paused from the first period until the edits are done, so the
        // session cannot end before them however late the control thread
        // is scheduled on a busy machine: the loop goes on writing silence.
        handle.perform(.pause)
        // What the control thread saw after each command, to tell a refused edit from a lost one.
        let seen = Mutex<[String]>([])
        let control = BackgroundThread {
            let wasStarted = started.wait(upTo: .seconds(10))
            for command: Request in [.edit(.next), .whereAmI, .edit(.faster), .volume(2), .edit(.slower), .resume] {
                handle.perform(command)
                let status = handle.status
                seen.withLock {
                    $0.append("\(command): step \(status.stepNumber), frame \(status.frame), paused \(status.paused), started \(wasStarted)")
                }
            }
        }
        _ = try player.run { false }
        control.join()
        #expect(
            slow.mixersMade.load(ordering: .relaxed) == 3,
            "the edits were not made while playing: \(seen.withLock { $0 }); logs: \(logs.all.map(\.1))")
        // No write waited for the edits: the longest gap between two writes
        // is a write's own random delay and a period's mixing, well under the 300 ms of an edit.
        let gaps = zip(device.writeTimes.dropFirst(), device.writeTimes).map { $0 - $1 }
        let longest = try #require(gaps.max())
        #expect(longest < .milliseconds(150), "the loop waited \(longest) between two writes")
    }
}

/// A session whose new layouts take `delay` to build, as a slow machine might.
final class SlowSource: SessionSource {
    let inner: TestSource
    let delay: Duration
    /// Mixers made after the first, for edits.
    let mixersMade = Atomic<Int>(0)
    private let first = Atomic<Bool>(true)

    init(inner: TestSource, delay: Duration) {
        self.inner = inner
        self.delay = delay
    }

    var pace: Double { inner.pace }
    func timeline(rate: Int, edits: SessionEdits) throws -> Timeline { try inner.timeline(rate: rate, edits: edits) }
    func speech(_ prompts: [PromptRef], rate: Int) -> Sound { inner.speech(prompts, rate: rate) }

    func mixer(for timeline: Timeline, channels: Int) throws -> Mixer {
        if !first.exchange(false, ordering: .relaxed) {
            mixersMade.add(1, ordering: .relaxed)
            var pause = timespec(tv_sec: 0, tv_nsec: Int(delay.components.attoseconds / 1_000_000_000))
            nanosleep(&pause, nil)
        }
        return try inner.mixer(for: timeline, channels: channels)
    }
}

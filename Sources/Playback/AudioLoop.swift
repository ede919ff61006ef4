import Audio
import Logging
import Output
import SystemCalls
import Timing

/// Plays a session live: the audio thread's loop, which owns the device,
/// the mixer and everything about the period being made.
///
/// Whole periods are made by the `PeriodRenderer` and written to the
/// device, whose clock paces the loop: writes never block, and the loop
/// waits in the device's `poll` together with the hand-off's wake-up. The
/// stream never stops: silence is written where nothing sounds, and while
/// paused. When the device is lost the session waits where it was; once
/// the device is back it plays the lead-in and goes on from the current
/// step's announcement (`Timeline.resumePoint`), so no cue is skipped.
///
/// On a card that rewinds (`DeviceFormat.rewinds`) the whole deep buffer
/// is kept full, each period made just before it is written; when mail or
/// a stop comes, the periods queued in front of the listener are taken
/// back (`RewindHistory`) and made again with it, so a key is heard within
/// a period and the card's margin, not after the buffer.
///
/// Commands come from `control`, on another thread, through the `HandOff`
/// alone: the loop takes them once a period. Sounds come from the
/// preparer's thread, as immutable tables published through a lock-free
/// queue (`PreparedSounds`): the loop swaps the newest in at the start of
/// a period and sends the one it let go of back to be freed there.
///
/// While it plays, the loop takes none of the program's locks (only a
/// sound server's ALSA plugin takes its client library's own), allocates
/// and frees nothing, logs nothing, and makes no system call but the
/// device's (write, poll, delay, rewind) and the wake-ups it sends and
/// clears; it waits on nothing but the device and the wake-up. On a device
/// faster than real time (a file), and before the lead-in, it also waits
/// on the preparer's semaphore for sounds not yet published
/// (docs/how-it-works.md). (After a device is lost, when nothing can play,
/// it may do more: it reopens the device and can rebuild the session.)
public final class AudioLoop {
    /// The handle for the thread that gives commands (keys, a socket).
    public let control: PlayerControl

    private let stream: DeviceStream
    private let settings: LiveSettings
    private let source: any SessionSource
    private let logger: Logger
    private let handOff = HandOff()

    private var mixer: Mixer
    /// Makes the sounds of `mixer` on its own thread, and hands them over.
    private var preparer: SoundPreparer
    /// The preparer of the place being crossfaded from, let go once the crossfade is over.
    private var outgoingPreparer: SoundPreparer?
    /// A move taken whose sounds are still being made: played from once they are.
    private var waitingSwitch: Switch?
    private var buffers: PeriodBuffers
    private var renderer: PeriodRenderer
    private var position: Int64 = 0
    /// Paused, as the last pause or resume earcon taken said.
    private var paused = false
    private var framesWritten: Int64 = 0
    /// `framesWritten` when the device was last (re)opened: the keep-awake
    /// tone fades in from there.
    private var streamStart: Int64 = 0
    /// Frames of the session written since the device was (re)opened: what
    /// the device holds beyond them is lead-in silence, not the session.
    private var sessionFramesSinceOpen: Int64 = 0
    /// Sounds missed by the mixers played before the current one.
    private var missedEarlier = 0
    /// On a device that rewinds, the periods it holds that can be made again.
    private var history: RewindHistory
    /// Things handed to the control thread so far: a period that let go of
    /// one is not kept in the history, which would hold it.
    private var retirements = 0

    /// Lays the session out for the device; it plays from `start` (a step's
    /// announcement, to go on where a session was), the beginning by default.
    public init(
        stream: DeviceStream, settings: LiveSettings, source: any SessionSource, logger: Logger,
        startingAt start: ResumePoint = .start
    ) throws {
        self.stream = stream
        self.settings = settings
        self.source = source
        self.logger = logger
        let timeline = try source.timeline(rate: stream.format.sampleRate, edits: SessionEdits())
        position = timeline.frame(of: start)
        handOff.writePosition.store(position, ordering: .relaxed)
        handOff.heardPosition.store(position, ordering: .relaxed)
        if settings.hardwareVolume == nil {
            handOff.volumeSteps.store(Int((settings.volume / PlayerControl.volumeStep).rounded()), ordering: .relaxed)
        }
        mixer = try source.mixer(for: timeline, channels: stream.format.channels)
        preparer = SoundPreparer(mixer: mixer, from: position, logger: logger)
        buffers = PeriodBuffers(stream.format)
        renderer = Self.renderer(for: stream.format, settings, keepAwake: mixer.settings.keepAwake)
        history = Self.history(for: stream.format)
        control = PlayerControl(
            handOff: handOff, timeline: timeline, channels: stream.format.channels, source: source,
            counters: stream.counters, hardwareVolume: settings.hardwareVolume, replies: settings.replies, logger: logger)
    }

    /// Plays the whole session, or until `shouldStop` says so (checked every
    /// period) or a `stop` command; then fades out, plays out what the
    /// device holds and closes it. A stop while the device takes nothing
    /// ends at once. Throws the `DeviceError` of a device that did not come
    /// back within `giveUpAfter`, or what kept the session from being
    /// rebuilt when it came back at another rate.
    ///
    /// On a device that keeps time the loop runs in real time where the
    /// system allows it (see `inRealTime`), but not into a sound server:
    /// there the server's threads play in real time and the stream's buffer
    /// is the loop's cushion, while a real-time loop keeps preempting the
    /// client library's thread that holds the lock it needs next (a third
    /// more CPU time for the whole session, BENCHMARKS.md).
    public func run(shouldStop: @escaping () -> Bool) throws -> PlaybackSummary {
        // The answers' own device stays open while the session plays.
        settings.replies?.hold()
        defer { settings.replies?.release() }
        guard stream.format.keepsTime else { return try play(shouldStop: shouldStop) }
        guard !stream.format.feedsSoundServer else {
            logger.debug("the audio thread runs at normal priority: the sound server plays in real time")
            return try play(shouldStop: shouldStop)
        }
        return try inRealTime { raised in
            logger.debug("the audio thread runs \(raised ? "in real time (SCHED_FIFO)" : "at normal priority")")
            return try play(shouldStop: shouldStop)
        }
    }

    private func play(shouldStop: @escaping () -> Bool) throws -> PlaybackSummary {
        defer { stopPreparers() }
        let stopAsked = { shouldStop() || self.handOff.stopRequested.load(ordering: .acquiring) }
        var stopping = false
        var outcome = writeLeadIn(stopAsked)
        while true {
            if outcome == .lost {
                guard let afterReopen = try recover(stopAsked) else { break }
                outcome = afterReopen
                continue
            }
            if outcome == .abandoned { break }
            // Made just before it is written, on a device that keeps a deep buffer.
            if stream.format.rewinds { stream.awaitRoom(wakeUp: handOff.wakeUp) }
            // Asked before the mail is taken: a stop's earcon is posted before the stop.
            let stop = stopAsked()
            let rewinding =
                stream.format.rewinds && (!handOff.toAudio.isEmpty || switchIsReady || (shouldStop() && !stopping))
            if rewinding { rewind() }
            // A move is played from right after a rewind, so it is heard in front of the deep buffer.
            takeMail(adopting: rewinding || !stream.format.rewinds)
            // A stop waits for its own earcon to be heard, then fades out.
            stopping = stopping || shouldStop() || (stop && renderer.overlays.earcon == nil)
            if stopping && renderer.isSilent { break }
            guard position < mixer.timeline.frames else { break }
            outcome = playPeriod(stopping: stopping, stopAsked)
        }
        let stopped = stopping || outcome != .written
        if outcome == .written {
            // Played out: a buffer of silence behind the sound, on a device
            // that still moves; the keep-awake tone fades out in it.
            let fade = renderer.keepAwake?.fadeFrames ?? 0
            let frames = max(stream.format.bufferFrames, fade)
            _ = writeSilence(frames: frames, toneEnd: framesWritten - streamStart + Int64(fade)) {
                $0 > self.stream.format.abandonAfter
            }
        }
        // A device given up on while it took nothing cannot be stopped without waiting for it.
        if outcome == .abandoned { stream.abandon() } else { stream.finish() }
        let counters = stream.counters
        return PlaybackSummary(
            playedFrames: position, sessionFrames: mixer.timeline.frames, sampleRate: mixer.timeline.sampleRate,
            underruns: counters.underruns.load(ordering: .relaxed), stalls: counters.stalls.load(ordering: .relaxed),
            suspends: counters.suspends.load(ordering: .relaxed), reopens: counters.reopens.load(ordering: .relaxed),
            missedSounds: missedEarlier + mixer.missedSounds, stopped: stopped)
    }

    /// Makes one period and writes it.
    private func playPeriod(stopping: Bool, _ stopAsked: @escaping () -> Bool) -> DeviceStream.Outcome {
        let count = Int(min(Int64(buffers.frames), mixer.timeline.frames - position))
        if stream.format.keepsTime {
            // Sounds behind the position too, as far as a rewind may go back.
            preparer.follow(max(0, position - Int64(stream.format.rewinds ? stream.format.bufferFrames : 0)))
        } else {
            // Faster than real time (a file): wait for sounds rather than play silence.
            preparer.waitUntilReady(from: position, through: position + Int64(count))
        }
        // The sounds published since the last period, swapped in before it is made.
        preparer.sounds.takeNewest()
        outgoingPreparer?.sounds.takeNewest()
        let wishes = PeriodRenderer.Wishes(
            paused: paused,
            gains: LiveGains(
                breath: handOff.breathOn.load(ordering: .relaxed) ? 1 : 0, master: Float(decibels: handOff.volume)),
            stopping: stopping)
        let speech = renderer.overlays.speech?.sound
        let before = stream.format.rewinds ? renderer : nil
        let retiredBefore = retirements
        let used = renderer.render(
            preparer.sounds, at: position, count: count, wishes: wishes, into: buffers,
            streamFrame: framesWritten - streamStart)
        if renderer.overlays.speech == nil, let speech { retire(.sound(speech)) }
        if !renderer.isCrossfading, let done = outgoingPreparer {
            retire(.preparer(done))
            outgoingPreparer = nil
        }
        handOff.writePosition.store(position + Int64(used), ordering: .relaxed)
        let outcome = stream.write(buffers.bytes, frames: count, wakeUp: handOff.wakeUp) { stalled in
            stalled > self.stream.format.abandonAfter && stopAsked()
        }
        if outcome == .written {
            if let before, retirements == retiredBefore {
                history.record(.init(position: position, frames: count, used: used, renderer: before))
            }
            position += Int64(used)
            sessionFramesSinceOpen += Int64(used)
            published(written: count)
        }
        return outcome
    }

    /// Takes back the periods queued in front of the listener, as many as
    /// the device can safely give back, and goes back to where the first
    /// of them began: what comes next (a key's earcon, a jump, a stop) is
    /// then heard within a period, not after the whole buffer.
    private func rewind() {
        let back = history.newest(within: stream.rewindable)
        guard back.periods > 0, stream.rewind(back.frames) else { return }
        let (first, used) = history.takeBack(back.periods)
        renderer = first.renderer
        position = first.position
        framesWritten -= Int64(back.frames)
        sessionFramesSinceOpen -= Int64(used)
        handOff.writePosition.store(position, ordering: .relaxed)
        published(written: 0)
    }

    /// Counts frames written and tells the control thread where the listener is.
    private func published(written count: Int) {
        framesWritten += Int64(count)
        handOff.framesWritten.store(framesWritten, ordering: .relaxed)
        let queued = stream.queued
        handOff.queued.store(queued, ordering: .relaxed)
        // During a lead-in, the listener is where the session will start.
        handOff.heardPosition.store(max(0, position - min(Int64(queued), sessionFramesSinceOpen)), ordering: .relaxed)
    }

    // MARK: Mail

    /// Takes what the control thread posted: earcons, speech, moves. A move
    /// waits (`waitingSwitch`) until its preparer has published its sounds,
    /// the session playing on meanwhile, then is played from when `adopting`
    /// allows (the publication wakes the loop); on a device faster than real
    /// time, the loop waits for the publication instead. Moves taken together add up: a later
    /// one that stays in place keeps an earlier one's jump.
    private func takeMail(adopting: Bool) {
        while let mail = handOff.toAudio.pop() {
            // The periods before it cannot be made again with what it brings.
            history.clear()
            switch mail {
            case .earcon(let posted):
                paused = posted.paused ?? paused
                guard let sound = posted.sound else { continue }
                // Earcons stay in the control thread's cache: replacing one frees nothing here.
                renderer.overlays.earcon = (sound, 0)
                let latency = Int(framesWritten - posted.framesWritten) + posted.queued
                if latency > handOff.longestKeyLatency.load(ordering: .relaxed) {
                    handOff.longestKeyLatency.store(latency, ordering: .relaxed)
                }
            case .speech(let sound):
                if let old = renderer.overlays.speech?.sound { retire(.sound(old)) }
                renderer.overlays.speech = (sound, 0)
            case .move(var next):
                // Made for the session before it was rebuilt at another rate.
                guard next.layout == handOff.layout.load(ordering: .relaxed) else {
                    drop(next)
                    continue
                }
                if let earlier = waitingSwitch {
                    next.position = next.position ?? earlier.position
                    drop(earlier)
                }
                waitingSwitch = next
            }
        }
        guard adopting, let next = waitingSwitch else { return }
        if !stream.format.keepsTime { next.preparer.waitUntilReady(from: next.from, through: next.readyThrough) }
        guard switchIsReady else { return }
        waitingSwitch = nil
        handOff.switchesTaken.add(1, ordering: .releasing)
        adopt(next)
    }

    /// Whether a move waits and its sounds are made.
    private var switchIsReady: Bool { waitingSwitch.map { $0.preparer.isReady(through: $0.readyThrough) } ?? false }

    /// Lets go of a move that will not be played.
    private func drop(_ move: Switch) {
        handOff.switchesTaken.add(1, ordering: .releasing)
        retire(.preparer(move.preparer))
    }

    /// Plays on from a switch's mixer and position, crossfading from where
    /// the session was. Mixers and their sounds are kept alive by their
    /// preparers, which are let go to the control thread, so nothing is freed here.
    private func adopt(_ next: Switch) {
        missedEarlier += mixer.missedSounds
        renderer.crossfade(from: preparer.sounds, at: position, jump: next.position != nil)
        if let previous = outgoingPreparer { retire(.preparer(previous)) }
        outgoingPreparer = nil
        if renderer.isCrossfading { outgoingPreparer = preparer } else { retire(.preparer(preparer)) }
        mixer = next.mixer
        position = next.position ?? position
        preparer = next.preparer
        preparer.follow(position)
    }

    /// Hands what the audio thread is done with to the control thread, to
    /// be freed there. (Should the control thread ever stop emptying its
    /// queue, the thing is freed here instead.)
    private func retire(_ notice: Notice) {
        // The history may hold it too: let go of it here first, so the control thread frees it.
        history.clear()
        retirements += 1
        _ = handOff.toControl.push(notice)
    }

    // MARK: Recovery

    /// After the device was lost: reopen it, rebuild at a new rate if it
    /// changed, and go on from the resume point after a lead-in. `nil` when
    /// the user stopped meanwhile.
    private func recover(_ stopAsked: @escaping () -> Bool) throws -> DeviceStream.Outcome? {
        preparer.stop()
        // Moves not taken yet belong to the device that is gone.
        discardMail()
        renderer.startSilent()
        if let previous = outgoingPreparer { retire(.preparer(previous)) }
        outgoingPreparer = nil
        let resume = mixer.timeline.resumePoint(for: max(0, position - Int64(stream.format.bufferFrames)))
        let before = stream.format
        guard try stream.reopen(giveUpAfter: settings.giveUpAfter, stopping: stopAsked) else { return nil }
        streamStart = framesWritten
        let format = stream.format
        if format.sampleRate != before.sampleRate || format.channels != before.channels {
            logger.notice("the device now plays \(format); rebuilding the session without its edits")
            do {
                let timeline = try source.timeline(rate: format.sampleRate, edits: SessionEdits())
                missedEarlier += mixer.missedSounds
                mixer = try source.mixer(for: timeline, channels: format.channels)
                let layout = handOff.layout.load(ordering: .relaxed) + 1
                handOff.layout.store(layout, ordering: .relaxed)
                retire(.rebuilt(timeline, channels: format.channels, layout: layout))
            } catch {
                // The session cannot go on at the new rate: nothing more is played.
                stream.close()
                throw error
            }
        }
        if format != before {
            buffers = PeriodBuffers(format)
            renderer = Self.renderer(for: format, settings, keepAwake: mixer.settings.keepAwake)
            history = Self.history(for: format)
        }
        renderer.startSilent()
        position = mixer.timeline.frame(of: resume)
        handOff.heardPosition.store(position, ordering: .relaxed)
        if case .step = resume { handOff.stepsReplayed.add(1, ordering: .releasing) }
        preparer = SoundPreparer(mixer: mixer, from: position, logger: logger)
        return writeLeadIn(stopAsked)
    }

    /// Lets go of every mail not taken, keeping what it says of pausing.
    private func discardMail() {
        while let mail = handOff.toAudio.pop() {
            switch mail {
            // Its sound is not played, but a pause it brings is kept.
            case .earcon(let posted): paused = posted.paused ?? paused
            case .speech(let sound): retire(.sound(sound))
            case .move(let next): drop(next)
            }
        }
        if let next = waitingSwitch { drop(next) }
        waitingSwitch = nil
    }

    // MARK: Pieces of the loop

    /// Waits until the sounds of the first period are made, however short
    /// the lead-in, so the first cue is never played as silence; then
    /// writes the lead-in. The wait comes first, while the device has not
    /// started: waiting after the lead-in would leave a gap in the stream.
    private func writeLeadIn(_ stopAsked: @escaping () -> Bool) -> DeviceStream.Outcome {
        preparer.waitUntilReady(from: position, through: position + Int64(buffers.frames))
        // Nothing before the lead-in is made again.
        history.clear()
        sessionFramesSinceOpen = 0
        let frames = Fade.frames(milliseconds: settings.leadIn.milliseconds, rate: stream.format.sampleRate)
        return writeSilence(frames: frames) { _ in stopAsked() }
    }

    /// Writes `frames` of silence, period by period, stopping when
    /// `abandon` says so; with the keep-awake tone in it, which fades out
    /// before stream frame `toneEnd`.
    private func writeSilence(
        frames: Int, toneEnd: Int64 = .max, abandon: @escaping (Duration) -> Bool
    ) -> DeviceStream.Outcome {
        buffers.silence()
        var left = frames
        while left > 0 {
            let count = min(left, buffers.frames)
            if let tone = renderer.keepAwake {
                let channels = buffers.format.channels
                let samples = UnsafeMutableBufferPointer(rebasing: buffers.samples[0..<count * channels])
                samples.update(repeating: 0)
                tone.add(into: samples, frames: count, channels: channels, from: framesWritten - streamStart, end: toneEnd)
                buffers.encode(count: count)
            }
            let outcome = stream.write(buffers.bytes, frames: count, wakeUp: handOff.wakeUp, abandon: abandon)
            guard outcome == .written else { return outcome }
            published(written: count)
            left -= count
        }
        return .written
    }

    /// Stops every preparer the loop still holds, and those of moves never taken.
    private func stopPreparers() {
        preparer.stop()
        outgoingPreparer?.stop()
        waitingSwitch?.preparer.stop()
        while let mail = handOff.toAudio.pop() {
            if case .move(let next) = mail { next.preparer.stop() }
        }
    }

    /// Room for every period the device's buffer holds.
    private static func history(for format: DeviceFormat) -> RewindHistory {
        RewindHistory(capacity: format.rewinds ? format.bufferFrames / max(1, format.periodFrames) + 1 : 1)
    }

    private static func renderer(for format: DeviceFormat, _ settings: LiveSettings, keepAwake: Bool) -> PeriodRenderer {
        PeriodRenderer(
            sampleRate: format.sampleRate, channels: format.channels, fadeIn: settings.fadeIn,
            fadeOut: settings.fadeOut, keepAwake: keepAwake)
    }
}

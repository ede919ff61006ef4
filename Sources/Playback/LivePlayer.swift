import Audio
import Logging
import Output
import Routines
import Synchronization
import Timing

/// How a live session starts, stops and recovers.
public struct LiveSettings: Sendable {
    /// Silence written after every open, so a waking DAC or Bluetooth
    /// speaker does not swallow the first word.
    public var leadIn: Duration
    /// How long to keep reopening a lost device before giving up.
    public var giveUpAfter: Duration
    /// The fade-in when playing resumes in the middle of the session, and the
    /// fade-out when the user stops it.
    public var fadeIn: Duration
    public var fadeOut: Duration

    public init(
        leadIn: Duration = .seconds(1), giveUpAfter: Duration = .seconds(600), fadeIn: Duration = .milliseconds(30),
        fadeOut: Duration = .milliseconds(60)
    ) {
        self.leadIn = leadIn
        self.giveUpAfter = giveUpAfter
        self.fadeIn = fadeIn
        self.fadeOut = fadeOut
    }
}

/// What happened in a live session.
public struct PlaybackSummary: Equatable, Sendable {
    /// Session frames written to the device, at `sampleRate`.
    public var playedFrames: Int64
    public var sessionFrames: Int64
    public var sampleRate: Int
    public var underruns: Int
    public var suspends: Int
    public var reopens: Int
    /// Sounds that were not ready in time, or could not be read, and played as silence.
    public var missedSounds: Int
    /// Whether the user stopped the session before its end.
    public var stopped: Bool

    /// One line for the user: played time, underruns, reopens.
    public var line: String {
        func clock(_ frames: Int64) -> String { Timeline.clock(seconds: Int(frames / Int64(max(1, sampleRate)))) }
        var parts = [
            "\(stopped ? "stopped after" : "played") \(clock(playedFrames)) of \(clock(sessionFrames))",
            "\(underruns) underrun\(underruns == 1 ? "" : "s")", "\(reopens) reopen\(reopens == 1 ? "" : "s")",
        ]
        if missedSounds > 0 { parts.append("\(missedSounds) sound\(missedSounds == 1 ? "" : "s") missed") }
        return parts.joined(separator: ", ")
    }
}

/// Plays a session live, and takes commands while it plays.
///
/// `run` is the audio thread's loop: whole periods are pulled from the mixer
/// and written to the device; the device's blocking writes pace the loop,
/// so the sound card's clock is the only clock. The stream never stops:
/// silence is written where nothing sounds, and while paused. When the
/// device is lost the session waits where it was; once the device is back it
/// plays the lead-in and goes on from the current step's announcement
/// (`Timeline.resumePoint`), so no cue is skipped.
///
/// `perform` and `status` are for one control thread. Commands edit the
/// timeline there (`Transport`), make the new mixer's sounds ready, and hand
/// the audio thread a switch, an earcon or some speech through a mailbox it
/// empties once a period; pause, volume and the breathing tones are atomics.
/// The audio thread never waits on the control thread.
public final class LivePlayer: @unchecked Sendable {
    /// Master volume change per key, in dB, and its range.
    public static let volumeStep = 2.0
    public static let volumeRange = -40.0...6.0

    private let stream: DeviceStream
    private let settings: LiveSettings
    private let logger: Logger
    private let source: any SessionSource
    private let shared: Shared
    /// The earcons made so far, for the control thread.
    private let earcons = EarconCache()

    // The audio thread's own state.
    private var mixer: Mixer
    private var preparer: SoundPreparer?
    private var buffers: PeriodBuffers
    private var position: Int64 = 0
    private var gains = LiveGains()
    private var silentForPause = false
    private var fadeInLeft = 0
    private var overlays = Overlays()
    private var framesWritten: Int64 = 0
    /// A move taken from the mailbox this period.
    private var handover: Switch?
    /// Sounds missed by the mixers played before the current one.
    private var missedEarlier = 0

    public init(stream: DeviceStream, settings: LiveSettings, source: any SessionSource, logger: Logger) throws {
        self.stream = stream
        self.settings = settings
        self.source = source
        self.logger = logger
        let rate = stream.format.sampleRate
        let timeline = try source.timeline(rate: rate, edits: SessionEdits())
        mixer = try source.mixer(for: timeline, channels: stream.format.channels)
        buffers = PeriodBuffers(stream.format)
        shared = Shared(
            control: Control(transport: Self.makeTransport(timeline, source: source), channels: stream.format.channels))
    }

    // MARK: The control thread

    /// Carries out `command`; its earcon is on its way to the device when
    /// this returns. An edit waits for the sounds of the first second at its
    /// destination (tens of milliseconds on a PC) before handing it over.
    public func perform(_ command: Command) {
        tidyUp()
        switch command {
        case .togglePause:
            let paused = !shared.paused.load(ordering: .relaxed)
            shared.paused.store(paused, ordering: .relaxed)
            play(paused ? .pause : .resume)
        case .volumeUp, .volumeDown:
            let now = shared.volume
            let changed = min(max(now + (command == .volumeUp ? Self.volumeStep : -Self.volumeStep), Self.volumeRange.lowerBound), Self.volumeRange.upperBound)
            shared.volumeSteps.store(Int((changed / Self.volumeStep).rounded()), ordering: .relaxed)
            play(changed == now ? .refused : .volume)
        case .toggleBreath:
            let on = !shared.breathOn.load(ordering: .relaxed)
            shared.breathOn.store(on, ordering: .relaxed)
            play(on ? .breathOn : .breathOff)
        case .whereAmI:
            play(.status)
            let speech = source.speech(StatusSpeech.prompts(for: status), rate: timeline.sampleRate)
            shared.mailbox.withLock { $0.speech = speech }
        case .stop:
            play(.stop)
            shared.stopRequested.store(true, ordering: .relaxed)
        case .unknown:
            play(.refused)
        case .acknowledge:
            play(.status)
        case .edit(let edit):
            perform(edit)
        }
    }

    private func perform(_ edit: TimelineEdit) {
        // Where the listener is, or where a move not yet taken will put them:
        // two quick presses of next go two poses on.
        let heard =
            shared.mailbox.withLock { $0.switchTo?.position } ?? shared.heardPosition.load(ordering: .relaxed)
        do {
            let outcome = try shared.control.withLock { control -> (Switch, Earcon)? in
                let before = control.transport.timeline
                let stepBefore = before.steps.lastIndex { $0.start <= heard } ?? -1
                var transport = control.transport
                guard let target = try transport.apply(edit, at: heard) else { return nil }
                let timeline = transport.timeline
                let moves = edit == .next || edit == .back
                // Always a new mixer, even for a move on the same timeline: its
                // sounds are made for where it starts while the old one plays on.
                let mixer = try source.mixer(for: timeline, channels: control.channels)
                control.transport = transport
                let stepAfter = timeline.steps.lastIndex { $0.start <= target } ?? -1
                let earcon: Earcon =
                    switch edit {
                    case .next: .next
                    case .back: stepAfter < stepBefore ? .previous : .back
                    case .lengthen: .lengthen
                    case .shorten: .shorten
                    case .faster: .faster
                    case .slower: .slower
                    }
                return (Switch(mixer: mixer, position: moves ? target : nil), earcon)
            }
            guard case (var handover, let earcon)? = outcome else { return play(.refused) }
            play(earcon)
            // The new mixer's sounds are made before the audio thread sees it.
            let from = handover.position ?? shared.writePosition.load(ordering: .relaxed)
            let preparer = SoundPreparer(mixer: handover.mixer, from: from, logger: logger)
            preparer.waitUntilReady(from: from, through: from + Int64(timeline.sampleRate))
            handover.preparer = preparer
            shared.mailbox.withLock { mailbox in
                // A move not taken yet is replaced: its preparer is done with,
                // and its jump kept when the new layout does not move.
                if let superseded = mailbox.switchTo {
                    if let old = superseded.preparer { mailbox.retired.append(old) }
                    handover.position = handover.position ?? superseded.position
                }
                mailbox.switchTo = handover
            }
        } catch {
            logger.error("\(error)")
            play(.refused)
        }
    }

    /// Sends an earcon to the audio thread, noting when, to measure how soon
    /// it is heard. Each is synthesized when first used, here on the control thread.
    private func play(_ earcon: Earcon) {
        let posted = Posted(
            earcon: earcon, sound: earcons.sound(earcon, rate: timeline.sampleRate),
            framesWritten: shared.framesWritten.load(ordering: .relaxed), queued: shared.queued.load(ordering: .relaxed))
        shared.mailbox.withLock { $0.earcon = posted }
    }

    /// The session as the control thread sees it, edits and all.
    public var timeline: Timeline { shared.control.withLock { $0.transport.timeline } }

    /// What the listener hears now.
    public var status: LiveStatus {
        let timeline = shared.control.withLock { $0.transport.timeline }
        return LiveStatus(
            timeline: timeline, frame: shared.heardPosition.load(ordering: .relaxed),
            paused: shared.paused.load(ordering: .relaxed), volume: shared.volume,
            breathOn: shared.breathOn.load(ordering: .relaxed))
    }

    /// Frames from a key's arrival to its earcon's first frame written, plus
    /// what was queued in the device then: the longest so far.
    public var longestKeyLatency: Int { shared.longestKeyLatency.load(ordering: .relaxed) }

    /// Stops the preparers and frees the sounds the audio thread has let go
    /// of, off the audio thread. The control thread calls it every so often.
    public func tidyUp() {
        let (preparers, sounds) = shared.mailbox.withLock { mailbox in
            defer {
                mailbox.retired.removeAll(keepingCapacity: true)
                mailbox.retiredSounds.removeAll(keepingCapacity: true)
            }
            return (mailbox.retired, mailbox.retiredSounds)
        }
        for preparer in preparers { preparer.stop() }
        withExtendedLifetime(sounds) {}
    }

    // MARK: The audio thread

    /// Plays the whole session, or until `shouldStop` says so (checked every
    /// period) or a `stop` command; then fades out, drains and closes the device.
    /// Throws the `DeviceError` of a device that did not come back within
    /// `giveUpAfter`, or what kept the session from being rebuilt when it
    /// came back at another rate.
    public func run(shouldStop: () -> Bool) throws -> PlaybackSummary {
        preparer = SoundPreparer(mixer: mixer, from: 0, logger: logger)
        let stop = { shouldStop() || self.shared.stopRequested.load(ordering: .relaxed) }
        var stopped = !writeLeadIn(shouldStop: shouldStop)
        while !stopped, position < mixer.timeline.frames {
            takeMail()
            // A stop waits for its own earcon to be heard.
            if shouldStop() || (shared.stopRequested.load(ordering: .relaxed) && overlays.earcon == nil) {
                fadeOut()
                stopped = true
                break
            }
            let count = Int(min(Int64(buffers.frames), mixer.timeline.frames - position))
            if stream.format.keepsTime {
                preparer?.follow(position)
            } else {
                // Faster than real time (a file): wait for sounds rather than play silence.
                preparer?.waitUntilReady(from: position, through: position + Int64(count))
            }
            let advance = renderPeriod(count: count)
            shared.writePosition.store(position + Int64(advance), ordering: .relaxed)
            if stream.write(buffers.bytes, frames: count) {
                position += Int64(advance)
                framesWritten += Int64(count)
                shared.framesWritten.store(framesWritten, ordering: .relaxed)
                let queued = stream.delay()
                shared.queued.store(queued, ordering: .relaxed)
                shared.heardPosition.store(max(0, position - Int64(queued)), ordering: .relaxed)
                continue
            }
            guard try recover(shouldStop: stop) else {
                stopped = true
                break
            }
        }
        preparer?.stop()
        shared.mailbox.withLock { $0.switchTo?.preparer?.stop() }
        tidyUp()
        stream.finish()
        return PlaybackSummary(
            playedFrames: position, sessionFrames: mixer.timeline.frames, sampleRate: mixer.timeline.sampleRate,
            underruns: stream.underruns, suspends: stream.suspends, reopens: stream.reopens,
            missedSounds: missedEarlier + mixer.missedSounds, stopped: stopped)
    }

    /// Takes what the control thread left: an earcon, speech, a move.
    private func takeMail() {
        let mail = shared.mailbox.withLock { mailbox in
            defer { (mailbox.earcon, mailbox.speech, mailbox.switchTo) = (nil, nil, nil) }
            return (mailbox.earcon, mailbox.speech, mailbox.switchTo)
        }
        if let posted = mail.0 {
            // Earcons stay in the control thread's cache: replacing one frees nothing here.
            overlays.earcon = (posted.sound, 0)
            let latency = Int(framesWritten - posted.framesWritten) + posted.queued
            shared.longestKeyLatency.store(max(latency, shared.longestKeyLatency.load(ordering: .relaxed)), ordering: .relaxed)
        }
        if let speech = mail.1 {
            retire(overlays.speech?.sound)
            overlays.speech = (speech, 0)
        }
        handover = mail.2
    }

    /// Hands a sound the audio thread is done with to the control thread, to be freed there.
    private func retire(_ sound: Sound?) {
        guard let sound else { return }
        shared.mailbox.withLock { $0.retiredSounds.append(sound) }
    }

    /// Renders one period into `buffers` and returns how many session frames
    /// it covers (none while paused). Switches, gain changes and pauses are
    /// crossfaded over the period, so nothing clicks.
    private func renderPeriod(count: Int) -> Int {
        let paused = shared.paused.load(ordering: .relaxed)
        let target = LiveGains(breath: shared.breathOn.load(ordering: .relaxed) ? 1 : 0, master: Float(decibels: shared.volume))
        var advance = count
        if paused && silentForPause {
            // Paused: silence. A move made meanwhile is taken now, to be heard on resuming.
            if let handover { adopt(handover) }
            buffers.samples.update(repeating: 0)
            advance = 0
        } else if let handover {
            // Old session fading out, new one fading in, over this period.
            render(mixer, from: position, count: count, gains: gains, into: buffers.samples)
            adopt(handover)
            render(mixer, from: position, count: count, gains: target, into: buffers.other)
            Crossfade.mix(buffers.other, into: buffers.samples, count: count, channels: stream.format.channels)
        } else {
            render(mixer, from: position, count: count, gains: gains, into: buffers.samples)
            if target != gains {
                render(mixer, from: position, count: count, gains: target, into: buffers.other)
                Crossfade.mix(buffers.other, into: buffers.samples, count: count, channels: stream.format.channels)
            }
        }
        handover = nil
        gains = target
        if paused != silentForPause {
            // Into a pause the session fades out; out of one it fades back in.
            if paused {
                Crossfade.fade(buffers.samples, count: count, channels: stream.format.channels, out: true)
            } else {
                render(mixer, from: position, count: count, gains: gains, into: buffers.samples)
                Crossfade.fade(buffers.samples, count: count, channels: stream.format.channels, out: false)
                advance = count
            }
            silentForPause = paused
        }
        if fadeInLeft > 0 { fadeInLeft = fadeIn(count: count, left: fadeInLeft) }
        let speech = overlays.speech?.sound
        overlays.mix(into: buffers.samples, count: count, channels: stream.format.channels, gain: gains.master)
        if overlays.speech == nil { retire(speech) }
        buffers.encode(count: count)
        return advance
    }

    /// Plays on from a move's mixer and position. The old mixer stays alive
    /// in its preparer, retired to the control thread, so nothing is freed here.
    private func adopt(_ handover: Switch) {
        missedEarlier += mixer.missedSounds
        mixer = handover.mixer
        if let old = preparer { shared.mailbox.withLock { $0.retired.append(old) } }
        preparer = handover.preparer
        position = handover.position ?? position
        preparer?.follow(position)
    }

    private func render(_ mixer: Mixer, from start: Int64, count: Int, gains: LiveGains, into output: UnsafeMutableBufferPointer<Float>) {
        do {
            try mixer.render(from: start, frames: count, into: output, gains: gains)
        } catch {
            // Live mixers never make sounds while rendering, so never throw; be safe anyway.
            output.update(repeating: 0)
        }
    }

    /// After the device was lost: reopen it, rebuild at a new rate if it
    /// changed, and go on from the resume point after a lead-in. `false`
    /// when the user stopped meanwhile.
    private func recover(shouldStop: () -> Bool) throws -> Bool {
        preparer?.stop()
        // A move not taken yet belongs to the device that is gone.
        shared.mailbox.withLock { mailbox in
            if let pending = mailbox.switchTo?.preparer { mailbox.retired.append(pending) }
            mailbox.switchTo = nil
        }
        let resume = mixer.timeline.resumePoint(for: max(0, position - Int64(stream.format.bufferFrames)))
        let before = stream.format
        guard try stream.reopen(giveUpAfter: settings.giveUpAfter, stopping: shouldStop) else { return false }
        let rate = stream.format.sampleRate
        if rate != before.sampleRate || stream.format.channels != before.channels {
            logger.notice("the device now plays \(stream.format); rebuilding the session without its edits")
            do {
                let timeline = try source.timeline(rate: rate, edits: SessionEdits())
                missedEarlier += mixer.missedSounds
                mixer = try source.mixer(for: timeline, channels: stream.format.channels)
                let channels = stream.format.channels
                shared.control.withLock {
                    $0.transport = Self.makeTransport(timeline, source: source)
                    $0.channels = channels
                }
            } catch {
                // The session cannot go on at the new rate: nothing more is played.
                stream.close()
                throw error
            }
        }
        buffers = PeriodBuffers(stream.format)
        position = mixer.timeline.frame(of: resume)
        preparer = SoundPreparer(mixer: mixer, from: position, logger: logger)
        fadeInLeft = frames(settings.fadeIn)
        return writeLeadIn(shouldStop: shouldStop)
    }

    // MARK: Pieces of the loop

    /// Writes the lead-in silence, then waits until the sounds of the first
    /// period are made, however short the lead-in was, so the first cue is
    /// never played as silence; `false` if the device was lost or the user
    /// stopped meanwhile.
    private func writeLeadIn(shouldStop: () -> Bool) -> Bool {
        buffers.silence()
        var left = frames(settings.leadIn)
        while left > 0 {
            if shouldStop() { return false }
            let count = min(left, buffers.frames)
            guard stream.write(buffers.bytes, frames: count) else { return false }
            framesWritten += Int64(count)
            left -= count
        }
        preparer?.waitUntilReady(from: position, through: position + Int64(buffers.frames))
        return true
    }

    /// Applies the resume fade-in to the first frames of the period; returns the frames still to fade.
    private func fadeIn(count: Int, left: Int) -> Int {
        let length = frames(settings.fadeIn)
        let channels = stream.format.channels
        let fading = min(left, count)
        for frame in 0..<fading {
            let gain = Fade.gain(length - left + frame, of: length)
            for channel in 0..<channels { buffers.samples[frame * channels + channel] *= gain }
        }
        return left - fading
    }

    /// Writes the next few milliseconds fading to silence.
    private func fadeOut() {
        let length = frames(settings.fadeOut)
        let channels = stream.format.channels
        var done = 0
        while done < length, !silentForPause {
            let count = min(buffers.frames, length - done)
            render(mixer, from: position + Int64(done), count: count, gains: gains, into: buffers.samples)
            for frame in 0..<count {
                let gain = Fade.gain(length - 1 - (done + frame), of: length)
                for channel in 0..<channels { buffers.samples[frame * channels + channel] *= gain }
            }
            buffers.encode(count: count)
            guard stream.write(buffers.bytes, frames: count) else { return }
            done += count
        }
    }

    private func frames(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) + Double(attoseconds) / 1e18
        return Int((total * Double(stream.format.sampleRate)).rounded())
    }

    private static func makeTransport(_ timeline: Timeline, source: any SessionSource) -> Transport {
        let rate = timeline.sampleRate
        return Transport(timeline: timeline, pace: source.pace) { [source] edits in
            try source.timeline(rate: rate, edits: edits)
        }
    }

}

/// What the two threads share.
private final class Shared: Sendable {
    let writePosition = Atomic<Int64>(0)
    /// Frames the device held after the last write.
    let queued = Atomic<Int>(0)
    let heardPosition = Atomic<Int64>(0)
    let framesWritten = Atomic<Int64>(0)
    let paused = Atomic<Bool>(false)
    let stopRequested = Atomic<Bool>(false)
    let volumeSteps = Atomic<Int>(0)
    let breathOn = Atomic<Bool>(true)
    let longestKeyLatency = Atomic<Int>(0)
    let mailbox = Mutex(Mailbox())
    let control: Mutex<Control>

    init(control: sending Control) { self.control = Mutex(control) }

    var volume: Double { Double(volumeSteps.load(ordering: .relaxed)) * LivePlayer.volumeStep }
}

/// From the control thread to the audio thread, emptied once a period.
private struct Mailbox {
    var earcon: Posted?
    var speech: Sound?
    var switchTo: Switch?
    /// Preparers and sounds the audio thread is done with, for the control
    /// thread to stop and free. Room is kept, so appending does not allocate.
    var retired: [SoundPreparer] = []
    var retiredSounds: [Sound] = []

    init() {
        retired.reserveCapacity(16)
        retiredSounds.reserveCapacity(16)
    }
}

/// An earcon sent, and what the device held when its key came.
private struct Posted {
    var earcon: Earcon
    var sound: Sound
    var framesWritten: Int64
    var queued: Int
}

/// A move to another place or another layout of the session.
private struct Switch {
    /// The session's new mixer, its sounds ready where it starts.
    var mixer: Mixer
    /// Where to play from; `nil` to go on where the audio thread is.
    var position: Int64?
    var preparer: SoundPreparer?
}

/// The control thread's view of the session.
private struct Control {
    var transport: Transport
    /// The device's channels, for the mixers the control thread makes.
    var channels: Int
}

/// Earcons synthesized when first asked for, at the rate asked for.
private final class EarconCache: Sendable {
    private let sounds = Mutex<[Int: [Earcon: Sound]]>([:])

    func sound(_ earcon: Earcon, rate: Int) -> Sound {
        if let known = sounds.withLock({ $0[rate]?[earcon] }) { return known }
        let made = earcon.sound(rate: rate)
        sounds.withLock { $0[rate, default: [:]][earcon] = made }
        return made
    }
}

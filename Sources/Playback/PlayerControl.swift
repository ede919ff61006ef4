import Audio
import Logging
import Output
import Synchronization
import Timing

/// The control side of a live session: carries out requests and tells
/// where the session is, for one control thread (keys, a socket, buttons).
///
/// Edits change the timeline here (`Transport`), make the new mixer's
/// sounds ready, and post the audio thread a switch, an earcon or some
/// speech through the `HandOff`; pause, volume and the breathing tones are
/// atomics. Nothing here waits on the audio thread, and the audio thread
/// never waits on this. `tidyUp` frees what the audio thread let go of and
/// logs what the stream counted; the control thread calls it every so often.
public final class PlayerControl: Sendable {
    /// The step the master volume moves in, in dB, and its range.
    public static let volumeStep = 2.0
    public static let volumeRange = -40.0...6.0

    private let handOff: HandOff
    private let source: any SessionSource
    private let counters: StreamCounters
    /// The card's volume control the volume keys drive, if any (else the samples are scaled).
    private let hardwareVolume: HardwareVolume?
    /// The device of their own the answers to commands play on, if any.
    private let replies: ReplyPlayer?
    private let logger: Logger
    /// The earcons made so far.
    private let earcons = EarconCache()
    private let state: Mutex<State>

    /// The control thread's view of the session.
    private struct State {
        var transport: Transport
        /// The device's channels, for the mixers made here.
        var channels: Int
        /// The `HandOff.layout` the transport is for.
        var layout = 0
        /// Switches posted, and where the last one that moves goes: until
        /// the listener hears it (the audio thread has taken it, and the
        /// frames queued before it have played), that is where they are.
        var switchesPosted = 0
        var lastTarget: Int64?
        /// The stream's counts last logged.
        var logged = (underruns: 0, stalls: 0, suspends: 0, refusedRewinds: 0)
    }

    init(
        handOff: HandOff, timeline: Timeline, channels: Int, source: any SessionSource, counters: StreamCounters,
        hardwareVolume: HardwareVolume? = nil, replies: ReplyPlayer? = nil, logger: Logger
    ) {
        self.handOff = handOff
        self.source = source
        self.counters = counters
        self.hardwareVolume = hardwareVolume
        self.replies = replies
        self.logger = logger
        state = Mutex(State(transport: Self.transport(timeline, source: source), channels: channels))
    }

    /// Carries out `request`; its earcon is on its way to the device when
    /// this returns. An edit waits for the sounds of the first second at its
    /// destination (tens of milliseconds on a PC) before handing it over.
    /// A pause while paused, a resume while playing, and the box's own
    /// requests (`start`, `status`, `watch`) are refused.
    public func perform(_ request: Request) {
        tidyUp()
        switch request {
        case .pause, .resume, .toggle:
            let paused = handOff.paused.load(ordering: .relaxed)
            let wanted = request == .toggle ? !paused : request == .pause
            guard wanted != paused else { return play(.refused) }
            handOff.paused.store(wanted, ordering: .relaxed)
            play(wanted ? .pause : .resume, paused: wanted)
        case .volume(let decibels):
            let change = Self.volumeChange(decibels)
            if let hardwareVolume {
                changeVolume(of: hardwareVolume, by: change)
                break
            }
            let now = handOff.volume
            let changed = min(max(now + change, Self.volumeRange.lowerBound), Self.volumeRange.upperBound)
            handOff.volumeSteps.store(Int((changed / Self.volumeStep).rounded()), ordering: .relaxed)
            play(changed == now ? .refused : .volume)
        case .toggleBreath:
            let on = !handOff.breathOn.load(ordering: .relaxed)
            handOff.breathOn.store(on, ordering: .relaxed)
            play(on ? .breathOn : .breathOff)
        case .whereAmI:
            play(.status)
            let prompts = StatusSpeech.prompts(for: status)
            if let replies {
                replies.speech(source.speech(prompts, rate: replies.sampleRate), gain: Float(decibels: handOff.volume))
            } else {
                _ = handOff.post(.speech(source.speech(prompts, rate: timeline.sampleRate)))
            }
        case .stop:
            play(.stop)
            // After the earcon's mail: the audio thread looks at this first, then at its mail.
            handOff.stopRequested.store(true, ordering: .releasing)
            handOff.wakeUp.signal()
        case .unknown, .start, .status, .watch, .history:
            play(.refused)
        case .acknowledge:
            play(.status)
        case .edit(let edit):
            perform(edit)
        }
    }

    /// The change in dB a volume request of `decibels` makes: whole steps of `volumeStep`.
    public static func volumeChange(_ decibels: Int) -> Double {
        (Double(decibels) / volumeStep).rounded() * volumeStep
    }

    private func perform(_ edit: TimelineEdit) {
        do {
            let outcome = try state.withLock { state -> (mixer: Mixer, from: Int64, position: Int64?, layout: Int, earcon: Earcon)? in
                // Where the listener is, or where a move not heard yet puts
                // them: two quick presses of next go two poses on.
                let pending = landing(&state)
                let heard = pending ?? handOff.heardPosition.load(ordering: .relaxed)
                let stepBefore = state.transport.timeline.stepIndex(at: heard) ?? -1
                var transport = state.transport
                guard let target = try transport.apply(edit, at: heard) else { return nil }
                let timeline = transport.timeline
                let moves = edit == .next || edit == .back
                // Always a new mixer, even for a move on the same timeline: its
                // sounds are made for where it starts while the old one plays on.
                let mixer = try source.mixer(for: timeline, channels: state.channels)
                state.transport = transport
                state.switchesPosted += 1
                state.lastTarget = moves ? target : pending
                let stepAfter = timeline.stepIndex(at: target) ?? -1
                let earcon: Earcon =
                    switch edit {
                    case .next: .next
                    case .back: stepAfter < stepBefore ? .previous : .back
                    case .lengthen: .lengthen
                    case .shorten: .shorten
                    case .faster: .faster
                    case .slower: .slower
                    }
                let from = moves ? target : pending ?? handOff.writePosition.load(ordering: .relaxed)
                return (mixer, from, moves ? target : nil, state.layout, earcon)
            }
            guard let outcome else { return play(.refused) }
            // The key is answered at once; the audio thread makes the move once its sounds are made.
            play(outcome.earcon)
            // Its sounds' publication wakes the audio thread, which then plays from the move.
            let preparer = SoundPreparer(
                mixer: outcome.mixer, from: outcome.from, logger: logger, firstPublished: handOff.wakeUp)
            let next = Switch(
                mixer: outcome.mixer, preparer: preparer, position: outcome.position, layout: outcome.layout,
                from: outcome.from)
            if !handOff.post(.move(next)) {
                preparer.stop()
                logger.error("the audio thread is not taking commands; the edit is lost")
            }
        } catch {
            logger.error("\(error)")
            play(.refused)
        }
    }

    /// Moves the card's volume control by `step` dB, within its range and ours.
    private func changeVolume(of control: HardwareVolume, by step: Double) {
        do {
            play(try control.move(by: step, within: Self.volumeRange) ? .volume : .refused)
        } catch {
            logger.warning("cannot set the volume: \(error)")
            play(.refused)
        }
    }

    /// Sends an earcon to the audio thread, noting when, to measure how soon
    /// it is heard, or to the replies' device (and a pause or resume to the
    /// audio thread). Each is made (or read from its pack) when first used, here.
    private func play(_ earcon: Earcon, paused: Bool? = nil) {
        var sound: Sound?
        if let replies {
            replies.earcon(earcons.sound(earcon, rate: replies.sampleRate, from: source), gain: Float(decibels: handOff.volume))
            guard paused != nil else { return }
        } else {
            sound = earcons.sound(earcon, rate: timeline.sampleRate, from: source)
        }
        let posted = PostedEarcon(
            sound: sound,
            framesWritten: handOff.framesWritten.load(ordering: .relaxed),
            queued: handOff.queued.load(ordering: .relaxed), paused: paused)
        _ = handOff.post(.earcon(posted))
    }

    /// Makes (or reads from their pack) every earcon not made yet, so the
    /// first press of each key is answered as soon as any later one. For
    /// the thread that gives commands, once the session plays.
    public func makeEarcons() {
        let rate = replies?.sampleRate ?? timeline.sampleRate
        for earcon in Earcon.allCases { _ = earcons.sound(earcon, rate: rate, from: source) }
    }

    /// The session as the control thread sees it, edits and all.
    public var timeline: Timeline { state.withLock { $0.transport.timeline } }

    /// What the listener hears now; while a move is on its way (its sounds
    /// being made), where it lands, so the answer to `next` is the step it
    /// goes to.
    public var status: LiveStatus {
        let (timeline, landing) = state.withLock { state -> (Timeline, Int64?) in
            (state.transport.timeline, self.landing(&state))
        }
        return LiveStatus(
            timeline: timeline, frame: landing ?? handOff.heardPosition.load(ordering: .relaxed),
            paused: handOff.paused.load(ordering: .relaxed), volume: hardwareVolume?.decibels ?? handOff.volume,
            breathOn: handOff.breathOn.load(ordering: .relaxed))
    }

    /// Where the last move goes while the listener has not heard it yet:
    /// the audio thread has not taken it, or still plays the frames queued
    /// before it (its heard position is then short of the target). Nil once
    /// heard, so a later step replayed after a lost device is not mistaken for it.
    private func landing(_ state: inout State) -> Int64? {
        guard let target = state.lastTarget else { return nil }
        let untaken = handOff.switchesTaken.load(ordering: .acquiring) < state.switchesPosted
        if untaken || handOff.heardPosition.load(ordering: .relaxed) < target { return target }
        state.lastTarget = nil
        return nil
    }

    /// Times the session went back to a step's announcement after the
    /// device was lost, so the step is announced again; read it before
    /// `status` to see the step it went back to.
    public var stepsReplayed: Int { handOff.stepsReplayed.load(ordering: .acquiring) }

    /// Whether the device was lost and is not back yet.
    public var isWaitingForDevice: Bool {
        counters.losses.load(ordering: .relaxed) > counters.reopens.load(ordering: .relaxed)
    }

    /// Frames from a key's arrival to its earcon's first frame written, plus
    /// what was queued in the device then: the longest so far.
    /// (Where the answers play on a device of their own, the time to theirs, in session frames.)
    public var longestKeyLatency: Int {
        guard let replies else { return handOff.longestKeyLatency.load(ordering: .relaxed) }
        return Int(replies.longestLatency / .microseconds(1)) * timeline.sampleRate / 1_000_000
    }

    /// Stops the preparers and frees the sounds the audio thread has let
    /// go of, takes in a session rebuilt at another rate, and logs the
    /// underruns, stalls and suspends counted since the last call.
    public func tidyUp() {
        var preparers: [SoundPreparer] = []
        var sounds: [Sound] = []
        while let notice = handOff.toControl.pop() {
            switch notice {
            case .preparer(let preparer): preparers.append(preparer)
            case .sound(let sound): sounds.append(sound)
            case .rebuilt(let timeline, let channels, let layout):
                state.withLock {
                    $0.transport = Self.transport(timeline, source: source)
                    $0.channels = channels
                    $0.layout = layout
                    $0.lastTarget = nil
                }
            }
        }
        for preparer in preparers { preparer.stop() }
        withExtendedLifetime(sounds) {}
        logCounts()
    }

    private func logCounts() {
        let now = (
            underruns: counters.underruns.load(ordering: .relaxed), stalls: counters.stalls.load(ordering: .relaxed),
            suspends: counters.suspends.load(ordering: .relaxed),
            refusedRewinds: counters.refusedRewinds.load(ordering: .relaxed)
        )
        let last = state.withLock { state in
            defer { state.logged = now }
            return state.logged
        }
        if now.underruns > last.underruns { logger.notice("underrun \(now.underruns): the device ran dry and was restarted") }
        if now.stalls > last.stalls { logger.notice("stall \(now.stalls): the feed came later than the device could wait") }
        if now.suspends > last.suspends { logger.info("device suspended; resumed") }
        if now.refusedRewinds > last.refusedRewinds {
            logger.info("rewind \(now.refusedRewinds) refused by the device: a key waited for what was queued")
        }
    }

    private static func transport(_ timeline: Timeline, source: any SessionSource) -> Transport {
        let rate = timeline.sampleRate
        return Transport(timeline: timeline, pace: source.pace) { [source] edits in
            try source.timeline(rate: rate, edits: edits)
        }
    }
}

/// Earcons made (or read from a pack) when first asked for, at the rate asked for.
private final class EarconCache: Sendable {
    private let sounds = Mutex<[Int: [Earcon: Sound]]>([:])

    func sound(_ earcon: Earcon, rate: Int, from source: any SessionSource) -> Sound {
        if let known = sounds.withLock({ $0[rate]?[earcon] }) { return known }
        let made = source.earcon(earcon, rate: rate)
        sounds.withLock { $0[rate, default: [:]][earcon] = made }
        return made
    }
}

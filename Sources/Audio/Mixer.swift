import Output
import Routines
import Synchronization
import Timing

/// Renders any range of a timeline into interleaved float frames.
///
/// Pure and deterministic: a frame's value depends only on the timeline, the
/// sounds and the settings, never on what was rendered before, so rendering
/// a range gives exactly that slice of the whole session. Layers are summed
/// with their gains, the chimes, breath tones and ambient bed ducked under
/// every spoken prompt so a word stands clear of them, then the master gain
/// and a soft limiter keep overlaps from clipping.
///
/// Sounds are made when first needed and dropped once they are not played
/// again within `reuseWindow`, so memory depends on what plays close
/// together, never on how long the session is or how long its sounds are: a
/// sound longer than `partSeconds` is made and kept in parts. Live playback
/// (`SoundSupply.prepared`) makes them ahead of time on another thread with
/// `prepare(from:to:)`, so the audio thread never decodes, synthesizes or
/// allocates: the preparing thread keeps the sounds under a mutex of its
/// own and hands the audio thread an immutable `SoundTable` of them
/// (`table()`), which `render(…, sounds:)` reads without taking any lock.
public final class Mixer: Sendable {
    public let timeline: Timeline
    public let settings: MixSettings
    private let bank: SoundBank

    /// One sound, or one part of a sound, to play: a cue with its sound and gain resolved.
    private struct Entry {
        var start: Int64
        var length: Int64
        var slot: Int
        /// The layer gain, scaled from 16-bit samples to [-1, 1].
        var gain: Float
        var layer: Layer
        /// Where the cue stops its sound before the sound's end, fading it
        /// out over `length` frames up to the session frame `end`.
        var cut: (end: Int64, length: Int)?
        /// The gains of the left and right channel (`MixSettings.panSides`).
        var pan: (left: Float, right: Float)
    }

    /// What a slot's sound is made from: a pack's sound with variants is
    /// one source per variant.
    private enum Source: Hashable {
        case prompt(PromptRef, variant: Int)
        case chime(CueKind, variant: Int)
        case breath(CueKind, frames: Int64, joined: Bool)
        case ambient
    }

    /// A slot: the frames `part` of a source's sound (all of them for a short one).
    private struct Piece: Hashable {
        var source: Source
        var part: Range<Int64>
    }

    /// The length of the parts long sounds are made in: memory holds at
    /// most a part or two beyond what the next seconds play.
    public static let partSeconds: Int64 = 2

    /// Sounds placed, ordered by start. Muted cues are left out. Never
    /// changed after `init`, so both threads read them freely.
    private let entries: [Entry]
    /// The longest entry, to find every sound still playing at a frame.
    private let longest: Int64
    /// The ambient layer's loop and gain over the session, when it plays.
    private let ambient: (loop: AmbientLoop, envelope: AmbientEnvelope)?
    /// The chimes and the breath tones, down under every spoken prompt.
    private let chimeDuck: Duck
    private let breathDuck: Duck
    /// What each slot holds.
    private let pieces: [Piece]
    /// Each slot's entry starts, in order: when its sound plays next.
    private let plays: [[Int64]]
    /// The sounds in memory: the preparing thread's (or, on demand, the
    /// rendering thread's). A render from a `SoundTable` never takes it.
    private let cache: Mutex<Cache>
    /// The slots `render` found missing or unreadable, set without a lock.
    private let missed: MissedSlots
    /// How sounds come to be in memory.
    public let supply: SoundSupply
    /// Sounds `render` found missing or unreadable and played as silence, each counted once.
    public var missedSounds: Int { missed.count }
    /// What the missed sounds are (a prompt id, a cue kind), in slot order.
    public var missedSoundNames: [String] {
        var names: [String] = []
        for slot in pieces.indices where missed.contains(slot) {
            let name =
                switch pieces[slot].source {
                case .prompt(let prompt, _): prompt.description
                case .chime(let kind, _), .breath(let kind, _, _): kind.rawValue
                case .ambient: Layer.ambient.rawValue
                }
            // A sound missed in several parts is named once.
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The frames of every sound (or part of one) in memory now.
    public var framesInMemory: Int { cache.withLock { $0.sounds.reduce(0) { $0 + ($1?.frames ?? 0) } } }

    /// Each slot's sound while in memory, and whether it could not be made.
    private struct Cache {
        var sounds: [Sound?]
        /// Slots whose sound could not be made: silence from then on, never tried again.
        var unreadable: [Bool]
    }

    /// When sounds are made on demand, one not needed now is kept if it
    /// plays again within this many seconds: the chimes, breathing tones and
    /// breath words are made once, a voice prompt heard once per round is not
    /// held for the next.
    public static let reuseWindow: Int64 = 120

    /// Frames ahead within which a sound's next play keeps it in memory.
    private var keepAhead: Int64 { supply == .onDemand ? Self.reuseWindow * Int64(timeline.sampleRate) : 0 }

    /// Lays out the sounds of `timeline`; nothing is decoded or synthesized
    /// until it is first rendered. Fails only if a prompt's file cannot be found.
    public init(
        timeline: Timeline, bank: SoundBank, settings: MixSettings = MixSettings(), supply: SoundSupply = .onDemand
    ) throws(SoundError) {
        precondition(bank.sampleRate == timeline.sampleRate, "the bank must be at the session rate")
        precondition(settings.channels == 1 || settings.channels == 2, "the mix is mono or stereo")
        self.timeline = timeline
        self.settings = settings
        self.bank = bank
        self.supply = supply

        var slots: [Piece: Int] = [:]
        var entries: [Entry] = []
        var pieces: [Piece] = []
        let partFrames = Self.partSeconds * Int64(timeline.sampleRate)
        /// Frames of fade-out when a cue stops before its sound ends.
        let cutFade = Fade.frames(milliseconds: 40, rate: timeline.sampleRate)
        /// Places a source's sound of `frames` frames at `start`, playing
        /// `length` of them, part by part; a side's prompts and chimes panned
        /// toward it when the settings say so.
        func place(_ source: Source, _ layer: Layer, at start: Int64, length: Int64, of frames: Int64, side: Side? = nil) {
            let gain = settings.linearGain(layer) / PCM16.fullScale
            let playable = min(length, frames)
            guard gain > 0, playable > 0 else { return }
            let cut = playable < frames ? (end: start + playable, length: Int(min(Int64(cutFade), playable))) : nil
            let toward: Double? =
                switch side {
                case .left: -MixSettings.sidePan
                case .right: MixSettings.sidePan
                default: nil
                }
            let pan = settings.panSides && settings.channels == 2 && layer != .breath ? toward.map(MixSettings.pan) : nil
            for part in Self.parts(of: frames, each: partFrames) where part.lowerBound < playable {
                let piece = Piece(source: source, part: part)
                let slot = slots[piece] ?? pieces.count
                if slot == pieces.count {
                    slots[piece] = slot
                    pieces.append(piece)
                }
                entries.append(
                    Entry(
                        start: start + part.lowerBound, length: min(Int64(part.count), playable - part.lowerBound),
                        slot: slot, gain: gain, layer: layer, cut: cut, pan: pan ?? (1, 1)))
            }
        }
        // Where an inhale's exhale follows straight on, the two tones join.
        let inhaleEnds = Set(timeline.cues.filter { $0.kind == .breathInhale }.map(\.end))
        let exhaleStarts = Set(timeline.cues.filter { $0.kind == .breathExhale }.map(\.frame))
        /// How often each prompt and chime has been placed: which time this is picks its variant.
        var prompts: [PromptRef: Int] = [:]
        var chimes: [CueKind: Int] = [:]
        func prompt(_ prompt: PromptRef) throws(SoundError) -> (Source, frames: Int64) {
            defer { prompts[prompt, default: 0] += 1 }
            let variant = bank.variant(of: prompt, occurrence: prompts[prompt, default: 0])
            let frames = try bank.variants(of: prompt)[variant].info.frames(atRate: bank.sampleRate)
            return (.prompt(prompt, variant: variant), frames)
        }
        for cue in timeline.cues {
            switch cue.kind {
            case .voice:
                let (source, frames) = try prompt(cue.prompt!)
                place(source, .voice, at: cue.frame, length: cue.length, of: frames, side: cue.side)
            case .breathInhale, .breathExhale, .breathHold:
                let joined =
                    cue.kind == .breathInhale ? exhaleStarts.contains(cue.end) : inhaleEnds.contains(cue.frame)
                place(
                    .breath(cue.kind, frames: cue.length, joined: joined), .breath, at: cue.frame, length: cue.length,
                    of: cue.length)
                // A breath of a breath-paced pose also speaks its word ("cow").
                if let word = cue.prompt {
                    let (source, frames) = try prompt(word)
                    place(source, .voice, at: cue.frame, length: frames, of: frames)
                }
            default:
                defer { chimes[cue.kind, default: 0] += 1 }
                let variant = bank.variant(of: cue.kind, occurrence: chimes[cue.kind, default: 0])
                place(
                    .chime(cue.kind, variant: variant), .chime, at: cue.frame, length: cue.length,
                    of: bank.frames(of: cue.kind, variant: variant), side: cue.side)
            }
        }
        // The ambient loop, copy after copy, over the whole session.
        let loop = settings.linearGain(.ambient) > 0 ? bank.ambientLoop(builtIn: settings.ambientNoise) : nil
        if let loop {
            for start in stride(from: Int64(0), to: timeline.frames, by: Int(loop.frames)) {
                place(.ambient, .ambient, at: start, length: min(loop.frames, timeline.frames - start), of: loop.frames)
            }
        }
        let voice = entries.filter { $0.layer == .voice }.map { $0.start..<$0.start + $0.length }
        ambient = loop.map { loop in
            (loop, AmbientEnvelope(voice: voice, sessionFrames: timeline.frames, rate: timeline.sampleRate))
        }
        chimeDuck = Duck(
            under: voice, decibels: Duck.chimeDecibels, attackSeconds: Duck.attackSeconds,
            releaseSeconds: Duck.releaseSeconds, rate: timeline.sampleRate)
        breathDuck = Duck(
            under: voice, decibels: Duck.breathDecibels, attackSeconds: Duck.attackSeconds,
            releaseSeconds: Duck.releaseSeconds, rate: timeline.sampleRate)
        entries.sort { $0.start < $1.start }
        self.entries = entries
        self.pieces = pieces
        var plays = Array(repeating: [Int64](), count: pieces.count)
        for entry in entries { plays[entry.slot].append(entry.start) }
        self.plays = plays
        longest = entries.map(\.length).max() ?? 0
        cache = Mutex(
            Cache(
                sounds: Array(repeating: nil, count: pieces.count),
                unreadable: Array(repeating: false, count: pieces.count)))
        missed = MissedSlots(count: pieces.count)
    }

    /// A sound of `frames` frames cut into parts of `each` frames; the last
    /// takes the rest, up to one and a half parts, so no part is tiny.
    private static func parts(of frames: Int64, each: Int64) -> [Range<Int64>] {
        var parts: [Range<Int64>] = []
        var start: Int64 = 0
        while frames - start > each + each / 2 {
            parts.append(start..<start + each)
            start += each
        }
        parts.append(start..<frames)
        return parts
    }

    /// Writes `frames` frames starting at session frame `start` into `output`
    /// (interleaved, `settings.channels` per frame). Frames outside the
    /// session are silence. `gains` are the live changes to the layers.
    /// With `settings.keepAwake` the keep-awake tone is added after the
    /// limiter, at session frames, faded in from the session's start and
    /// out before its end (not with `limiting` off: the live player adds it
    /// at the device's frames, lead-in and pauses included).
    /// With `limiting` off the master gain is applied but not the limiter,
    /// for a caller that adds more sound and limits the sum itself
    /// (`Limiter.apply` then gives the same samples as the mixer would).
    ///
    /// With `sounds`, the sounds come from that table alone, a missing one
    /// played as silence and counted: no lock is taken, nothing is made or
    /// thrown, nothing is allocated or freed (the audio thread's way).
    /// Without it they come from the mixer's own memory, under its lock.
    ///
    /// In a stereo mix the mono sounds heard in the middle (all of them,
    /// unless sides are panned) are summed once, in the output's second
    /// half, and spread to both channels before the rest is added: half
    /// the multiplications and additions of mixing each into both.
    public func render(
        from start: Int64, frames: Int, into output: UnsafeMutableBufferPointer<Float>, gains: LiveGains = LiveGains(),
        limiting: Bool = true, sounds table: SoundTable? = nil
    ) throws(SoundError) {
        let channels = settings.channels
        precondition(output.count >= frames * channels, "the output holds the frames asked for")
        let middle = UnsafeMutableBufferPointer(rebasing: output[(channels - 1) * frames..<channels * frames])
        middle.update(repeating: 0)
        let leftOut = try mixEntries(from: start, frames: frames, into: middle, channels: 1, gains: gains, table: table) { sound, entry in
            channels == 1 || Self.isInTheMiddle(sound, entry)
        }
        if channels == 2 {
            // From the front: frame f's pair never reaches a middle frame not yet read.
            for frame in 0..<frames {
                let value = middle[frame]
                output[2 * frame] = value
                output[2 * frame + 1] = value
            }
            // A second look at the sounds only when the first left some out.
            if leftOut > 0 {
                _ = try mixEntries(from: start, frames: frames, into: output, channels: 2, gains: gains, table: table) { sound, entry in
                    !Self.isInTheMiddle(sound, entry)
                }
            }
        }
        let mixed = UnsafeMutableBufferPointer(rebasing: output[0..<frames * channels])
        let master = Float(decibels: settings.master)
        if limiting {
            Limiter.apply(mixed, gain: master)
            // After the limiter, so the voice's level never moves it; a
            // live player adds it itself, at the device's stream frames.
            if settings.keepAwake {
                KeepAwakeTone(sampleRate: timeline.sampleRate).add(
                    into: mixed, frames: frames, channels: channels, from: start, end: timeline.frames)
            }
        } else if master != 1 {
            for index in mixed.indices { mixed[index] *= master }
        }
    }

    /// Whether an entry's sound is mono and heard equally on both sides.
    private static func isInTheMiddle(_ sound: Sound, _ entry: Entry) -> Bool {
        sound.channels == 1 && entry.pan == (1, 1)
    }

    /// Adds to `output` (`channels` per frame) the sounds playing in the
    /// `frames` from `start` that `included` picks; returns how many
    /// playing sounds it left out.
    private func mixEntries(
        from start: Int64, frames: Int, into output: UnsafeMutableBufferPointer<Float>, channels: Int,
        gains: LiveGains, table: SoundTable?, where included: (Sound, Entry) -> Bool
    ) throws(SoundError) -> Int {
        var leftOut = 0
        let end = start + Int64(frames)
        var index = firstEntry(startingAtOrAfter: start - longest)
        while index < entries.count, entries[index].start < end {
            let entry = entries[index]
            index += 1
            guard entry.start + entry.length > start, gains.factor(entry.layer) > 0 else { continue }
            guard let sound = try sound(entry.slot, from: start, to: end, in: table) else { continue }
            guard included(sound, entry) else {
                leftOut += 1
                continue
            }
            let playable = min(entry.length, Int64(sound.frames))
            let from = max(start, entry.start)
            let to = min(end, entry.start + playable)
            guard from < to else { continue }
            let gain = entry.gain * gains.factor(entry.layer)
            let layout = (input: sound.channels, output: channels)
            if entry.layer == .ambient, let envelope = ambient?.envelope {
                sound.samples.withUnsafeBufferPointer { samples in
                    for frame in from..<to {
                        Self.mix(
                            samples, layout, from: Int(frame - entry.start), count: 1, into: output,
                            at: Int(frame - start), gain: gain * envelope.gain(at: frame), pan: entry.pan)
                    }
                }
                continue
            }
            // The cut's fade-out, in frames of this entry's sound.
            let fade: (from: Int, length: Int) =
                entry.cut.map { (Int($0.end - entry.start) - $0.length, $0.length) } ?? (Int(playable), 0)
            let duck: Duck? =
                switch entry.layer {
                case .chime: chimeDuck
                case .breath: breathDuck
                case .voice, .ambient: nil
                }
            if let duck, !duck.isUp(over: from..<to) {
                // Near a prompt: where the duck holds still, a block at its
                // gain; along its attack and release, a frame at a time.
                sound.samples.withUnsafeBufferPointer { samples in
                    duck.forEachStretch(over: from..<to) { stretch, steadyGain in
                        if let steadyGain {
                            Self.add(
                                samples, layout, from: Int(stretch.lowerBound - entry.start), count: stretch.count,
                                into: output, at: Int(stretch.lowerBound - start), gain: gain * steadyGain,
                                pan: entry.pan, fade: fade)
                            return
                        }
                        for frame in stretch {
                            let at = Int(frame - entry.start)
                            let cut = at < fade.from ? 1 : Fade.gain(fade.from + fade.length - 1 - at, of: fade.length)
                            Self.mix(
                                samples, layout, from: at, count: 1, into: output, at: Int(frame - start),
                                gain: gain * cut * duck.gain(at: frame), pan: entry.pan)
                        }
                    }
                }
                continue
            }
            sound.samples.withUnsafeBufferPointer { samples in
                Self.add(
                    samples, layout, from: Int(from - entry.start), count: Int(to - from),
                    into: output, at: Int(from - start), gain: gain, pan: entry.pan, fade: fade)
            }
        }
        return leftOut
    }

    /// Adds `count` frames of a sound, from its frame `source`, into the
    /// output at frame `target`, fading out from sound frame `fade.from` on.
    @inline(__always)
    private static func add(
        _ samples: UnsafeBufferPointer<Int16>, _ layout: (input: Int, output: Int), from source: Int, count: Int,
        into output: UnsafeMutableBufferPointer<Float>, at target: Int, gain: Float, pan: (left: Float, right: Float),
        fade: (from: Int, length: Int)
    ) {
        let plain = min(count, max(0, fade.from - source))
        mix(samples, layout, from: source, count: plain, into: output, at: target, gain: gain, pan: pan)
        // Frames inside a cut's fade-out, one at a time with their own gain.
        for offset in plain..<count {
            let frame = source + offset
            let level = gain * Fade.gain(fade.from + fade.length - 1 - frame, of: fade.length)
            mix(samples, layout, from: frame, count: 1, into: output, at: target + offset, gain: level, pan: pan)
        }
    }

    /// The inner loop: one loop per channel layout (the sound's and the
    /// output's), so each stays simple enough for the compiler to
    /// vectorize. `pan` scales the left and right channel of a stereo output.
    @inline(__always)
    private static func mix(
        _ samples: UnsafeBufferPointer<Int16>, _ layout: (input: Int, output: Int), from source: Int, count: Int,
        into output: UnsafeMutableBufferPointer<Float>, at target: Int, gain: Float, pan: (left: Float, right: Float)
    ) {
        guard count > 0, let input = samples.baseAddress, let base = output.baseAddress else { return }
        let (left, right) = (gain * pan.left, gain * pan.right)
        switch layout {
        case (1, 2):
            let from = input + source
            let to = base + target * 2
            for frame in 0..<count {
                let value = Float(from[frame])
                to[frame * 2] += value * left
                to[frame * 2 + 1] += value * right
            }
        case (2, 2):
            let from = input + source * 2
            let to = base + target * 2
            for frame in 0..<count {
                to[frame * 2] += Float(from[frame * 2]) * left
                to[frame * 2 + 1] += Float(from[frame * 2 + 1]) * right
            }
        case (1, 1):
            let from = input + source
            let to = base + target
            for frame in 0..<count { to[frame] += Float(from[frame]) * gain }
        default:
            let from = input + source * 2
            let to = base + target
            let half = 0.5 * gain
            for frame in 0..<count { to[frame] += (Float(from[frame * 2]) + Float(from[frame * 2 + 1])) * half }
        }
    }

    /// The sound of a slot for a render of [start, end): from `table` when
    /// there is one, else from memory; else made now (`.onDemand`) or
    /// counted as missed (a table's, `.prepared`, or a sound that could not be made).
    private func sound(_ slot: Int, from start: Int64, to end: Int64, in table: SoundTable?) throws(SoundError) -> Sound? {
        if let table {
            if table.sounds[slot] == nil { missed.insert(slot) }
            return table.sounds[slot]
        }
        let (cached, unreadable) = cache.withLock { ($0.sounds[slot], $0.unreadable[slot]) }
        if let cached { return cached }
        guard supply == .onDemand, !unreadable else {
            missed.insert(slot)
            return nil
        }
        try prepare(from: start, to: end)
        return cache.withLock { $0.sounds[slot] }
    }

    /// The sounds in memory now, as a table for `render(…, sounds:)`.
    public func table() -> SoundTable { SoundTable(sounds: cache.withLock { $0.sounds }) }

    /// Runs `body` holding the lock on the mixer's sounds: for a test that
    /// a render from a table never waits for it.
    func withSoundsLocked<Result>(_ body: () -> Result) -> Result { cache.withLock { _ in body() } }

    /// Drops the sounds not needed in [start, end) that do not play again
    /// within `reuseWindow` (all of them for `.prepared`), then makes every
    /// sound that plays there that is not in memory yet.
    ///
    /// Sounds are made, and the ones to drop chosen, outside the lock; a
    /// sound that cannot be made does not keep the others from being made,
    /// and its error is thrown once the rest are done. It is not tried
    /// again: it plays as silence from then on, counted as missed, and its
    /// error is thrown this once.
    public func prepare(from start: Int64, to end: Int64) throws(SoundError) {
        var needed = Set<Int>()
        var index = firstEntry(startingAtOrAfter: start - longest)
        while index < entries.count, entries[index].start < end {
            if entries[index].start + entries[index].length > start { needed.insert(entries[index].slot) }
            index += 1
        }
        let held = cache.withLock { cache in cache.sounds.indices.filter { cache.sounds[$0] != nil } }
        let drop = held.filter { slot in
            guard !needed.contains(slot) else { return false }
            guard let next = nextPlay(of: slot, atOrAfter: start) else { return true }
            return next - start > keepAhead
        }
        // Dropped sounds are released here, on the preparing thread, never by render.
        let dropped: [Sound] = cache.withLock { cache in
            drop.compactMap { slot in
                defer { cache.sounds[slot] = nil }
                return cache.sounds[slot]
            }
        }
        // Let go of here, before the new ones are made, so memory never holds both.
        withExtendedLifetime(dropped) {}
        var failure: SoundError?
        for slot in needed.sorted() where cache.withLock({ $0.sounds[slot] == nil && !$0.unreadable[slot] }) {
            do {
                let sound = try make(slot)
                cache.withLock { $0.sounds[slot] = sound }
            } catch {
                cache.withLock { $0.unreadable[slot] = true }
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
    }

    /// The first frame at or after `frame` where a slot's sound starts playing.
    private func nextPlay(of slot: Int, atOrAfter frame: Int64) -> Int64? {
        let starts = plays[slot]
        let index = starts.partitionPoint { $0 < frame }
        return index < starts.count ? starts[index] : nil
    }

    private func make(_ slot: Int) throws(SoundError) -> Sound {
        let part = pieces[slot].part
        return switch pieces[slot].source {
        case .prompt(let prompt, let variant): try bank.prompt(prompt, variant: variant, part: part)
        case .chime(let kind, let variant): try bank.sound(for: kind, variant: variant, part: part)
        case .breath(let kind, let frames, let joined): bank.breathSound(kind, frames: frames, joined: joined, part: part)
        case .ambient:
            // Laid out only with a loop.
            try bank.ambientSound(ambient!.loop, part: part)
        }
    }

    /// The index of the first entry that starts at or after `frame`.
    private func firstEntry(startingAtOrAfter frame: Int64) -> Int {
        entries.partitionPoint { $0.start < frame }
    }
}

/// How a mixer's sounds come to be in memory.
public enum SoundSupply: Sendable {
    /// `render` makes a missing sound itself and keeps the sounds that play
    /// again within `Mixer.reuseWindow`: offline rendering, on one thread.
    /// A sound that cannot be made throws the first time; a caller that
    /// goes on hears silence in its place.
    case onDemand
    /// Another thread makes sounds ahead with `prepare` and hands them on
    /// with `table()`; `render` plays silence for a missing one and counts
    /// it. Only the sounds of the prepared window are kept: live playback,
    /// where memory is tight.
    case prepared
}

/// Which slots a render found without a sound, each set once: atomics, so
/// the audio thread sets one without a lock while another thread reads.
private final class MissedSlots: @unchecked Sendable {
    // @unchecked: the flags are raw memory, each an atomic.
    private let flags: UnsafeMutablePointer<Atomic<Bool>>
    private let slots: Int
    private let counted = Atomic<Int>(0)

    init(count: Int) {
        slots = count
        flags = .allocate(capacity: max(1, count))
        for slot in 0..<count { (flags + slot).initialize(to: Atomic(false)) }
    }

    deinit {
        flags.deinitialize(count: slots)
        flags.deallocate()
    }

    /// How many slots are set.
    var count: Int { counted.load(ordering: .relaxed) }

    func contains(_ slot: Int) -> Bool { flags[slot].load(ordering: .relaxed) }

    /// Sets `slot`, counting it the first time.
    func insert(_ slot: Int) {
        guard !flags[slot].load(ordering: .relaxed), !flags[slot].exchange(true, ordering: .relaxed) else { return }
        counted.add(1, ordering: .relaxed)
    }
}

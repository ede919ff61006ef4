import Routines

/// Pauses the engine puts between sounds, in seconds at pace 1.
public enum Pauses {
    /// From the opening bell to the first words.
    public static let afterOpeningBell = 2.0
    /// Between two prompts spoken one after the other.
    public static let betweenPrompts = 0.6
    /// From a switch or release chime to the words that follow it.
    public static let afterChime = 1.2
    /// Silence left after a word spoken on a breath, before the next breath's word.
    public static let afterBreathWord = 0.3
    /// Countdown ticks come this often, whatever the pace.
    public static let tickInterval = 1.0
    /// A breath cut short by the end of a hold is dropped when it would be shorter than this.
    public static let shortestBreath = 0.5
}

extension Timeline {
    /// Lays out `routine` on the sample clock.
    ///
    /// Pure: the same routine, options and sound lengths give the same
    /// timeline. Seconds are turned into frames here, once. Spoken prompts
    /// follow one another and never overlap; a hold starts after its prompt
    /// has ended and the routine's settle pause has passed; breath cues fill
    /// every hold, in phase with the breathing pattern. `edits` are the
    /// changes made while playing: holds lengthened or shortened, the pace
    /// changed from a step on.
    public init(
        routine: Routine, options: SessionOptions, sounds: some SoundLengths, edits: SessionEdits = SessionEdits()
    ) throws {
        var layout = Layout(options: options, edits: edits, sounds: sounds)
        try layout.session(routine)
        self = layout.timeline()
    }
}

/// The state of laying out one session: a cursor on the clock and what has
/// been placed so far.
private struct Layout<Sounds: SoundLengths> {
    let options: SessionOptions
    let edits: SessionEdits
    let sounds: Sounds
    var now: Int64 = 0
    /// The pace of what is laid out now: the options', or an edit's from its step on.
    var pace: Double
    var cues: [Cue] = []
    var steps: [Step] = []
    /// Where cues are placed now.
    var round = 0
    var pose: String?
    var side: Side?

    init(options: SessionOptions, edits: SessionEdits, sounds: Sounds) {
        self.options = options
        self.edits = edits
        self.sounds = sounds
        pace = options.pace
    }

    mutating func session(_ routine: Routine) throws {
        ring(.bellStart)
        pause(Pauses.afterOpeningBell)
        if let intro = routine.intro {
            try speak(intro)
            pause(routine.rest)
        }
        let rounds = options.rounds ?? routine.rounds
        for round in 1...rounds {
            self.round = round
            if round > 1 {
                pose = nil
                try speak(.voice("round.\(round)"))
                pause(Pauses.betweenPrompts)
            }
            for (index, pose) in routine.poses.enumerated() {
                try self.pose(pose, index: index, in: routine)
                pause(routine.rest)
                try checkLength(after: pose, round: round, of: routine)
            }
        }
        round = 0
        pose = nil
        side = nil
        if let outro = routine.outro {
            try speak(outro)
            pause(Pauses.afterChime)
        }
        ring(.bellEnd)
    }

    /// Throws once the session laid out so far lasts longer than
    /// `RoutineLimits.sessionSeconds`, naming the pose it passes that at.
    func checkLength(after pose: Pose, round: Int, of routine: Routine) throws(InputError) {
        let limit = Int64(RoutineLimits.sessionSeconds * Double(options.sampleRate))
        guard now > limit else { return }
        let message =
            "the session passes 24 hours at pose '\(pose.id.escapingControlCharacters)' of round \(round); "
            + "expected at most 24 hours (fewer rounds, poses or shorter holds)"
        if let location = pose.prompt.location { throw InputError(at: location, message) }
        throw InputError(file: routine.name, message: message)
    }

    mutating func pose(_ pose: Pose, index: Int, in routine: Routine) throws {
        self.pose = pose.id
        side = nil
        var start = now
        try speak(pose.prompt)
        let sides: [Side?] = pose.sides.isEmpty ? [nil] : pose.sides
        for (position, side) in sides.enumerated() {
            self.side = side
            let step = steps.count
            if let changed = edits.pace(at: step) { pace = changed }
            if let side {
                if position == 0 { pause(Pauses.betweenPrompts) }
                try speak(pose.sidePrompts[side] ?? .voice("side.\(side.rawValue)"))
            }
            pause(routine.settle)
            let holdStart = now
            ring(.chimeStart)
            let breathing = options.breathing ?? pose.breathing ?? routine.breathing
            var breaths: Int?
            switch pose.length {
            case .breaths(let count):
                breaths = edits.breaths[step] ?? count
                try pacedBreaths(
                    breaths!, breathing, inhaleWord: pose.inhalePrompt, exhaleWord: pose.exhalePrompt)
            case .hold(let seconds):
                // An edited hold is in real seconds: the user asked for 10 s more, whatever the pace.
                let length = edits.holds[step].map { frames($0, atPace: 1) } ?? frames(options.hold ?? seconds ?? routine.hold)
                hold(length, breathing)
            }
            steps.append(
                Step(
                    round: round, poseIndex: index, pose: pose.id, name: pose.name, side: side, start: start,
                    holdStart: holdStart, holdEnd: now, breaths: breaths))
            if position < sides.count - 1 {
                ring(.chimeSwitch)
                pause(Pauses.afterChime)
                start = now
            } else {
                ring(.chimeEnd)
            }
        }
        if let release = pose.releasePrompt {
            pause(Pauses.afterChime)
            try speak(release)
        }
    }

    /// A hold of `length` frames with breath cues all through it and the
    /// optional halfway chime and countdown.
    mutating func hold(_ length: Int64, _ breathing: BreathPattern) {
        let start = now
        let end = start + length
        let shortest = frames(Pauses.shortestBreath)
        var phase = 0
        let phases = breathPhases(breathing)
        while now < end {
            let (kind, full) = phases[phase % phases.count]
            let length = min(full, end - now)
            if length >= min(full, shortest) { place(kind, length: length) }
            now += length
            phase += 1
        }
        if options.halfwayChime { place(.chimeHalfway, at: start + length / 2) }
        let tick = Int64((Pauses.tickInterval * Double(options.sampleRate)).rounded())
        for second in stride(from: options.countdown, through: 1, by: -1) {
            let frame = end - Int64(second) * tick
            if frame > start { place(.tick, at: frame) }
        }
    }

    /// `count` whole breaths led by the breathing tones, with a word spoken
    /// at the start of each inhale and exhale. A breath phase is stretched
    /// when needed so that its word ends before the next one starts.
    mutating func pacedBreaths(
        _ count: Int, _ breathing: BreathPattern, inhaleWord: PromptRef?, exhaleWord: PromptRef?
    ) throws {
        let pad = frames(Pauses.afterBreathWord)
        for _ in 0..<count {
            for (kind, full) in breathPhases(breathing) {
                let word = kind == .breathInhale ? inhaleWord : kind == .breathExhale ? exhaleWord : nil
                var length = full
                if let word { length = max(length, try sounds.frames(of: word) + pad) }
                place(kind, length: length, prompt: word)
                now += length
            }
        }
    }

    /// The phases of one breath that last at all, with their lengths in frames.
    func breathPhases(_ pattern: BreathPattern) -> [(CueKind, Int64)] {
        [
            (.breathInhale, frames(pattern.inhale)), (.breathHold, frames(pattern.holdIn)),
            (.breathExhale, frames(pattern.exhale)), (.breathHold, frames(pattern.holdOut)),
        ].filter { $0.1 > 0 }
    }

    // MARK: Placing sounds

    /// Speaks `prompt` now and moves on to its end.
    mutating func speak(_ prompt: PromptRef) throws {
        let length = try sounds.frames(of: prompt)
        place(.voice, length: length, prompt: prompt)
        now += length
    }

    /// Rings a fixed-length sound now, without moving on.
    mutating func ring(_ kind: CueKind) { place(kind, at: now) }

    mutating func place(_ kind: CueKind, at frame: Int64) {
        cues.append(Cue(frame: frame, kind: kind, length: sounds.frames(of: kind), round: round, pose: pose, side: side))
    }

    mutating func place(_ kind: CueKind, length: Int64, prompt: PromptRef? = nil) {
        cues.append(Cue(frame: now, kind: kind, length: length, round: round, pose: pose, side: side, prompt: prompt))
    }

    /// Moves on by `seconds`, scaled by the pace.
    mutating func pause(_ seconds: Double) { now += frames(seconds) }

    /// `seconds` of a hold, breath or pause in frames, scaled by the pace.
    func frames(_ seconds: Double) -> Int64 { frames(seconds, atPace: pace) }

    func frames(_ seconds: Double, atPace pace: Double) -> Int64 {
        Int64((seconds * Double(options.sampleRate) / pace).rounded())
    }

    func timeline() -> Timeline {
        let ordered = cues.enumerated().sorted { ($0.element.frame, $0.offset) < ($1.element.frame, $1.offset) }
            .map(\.element)
        let end = ordered.map(\.end).max() ?? 0
        return Timeline(sampleRate: options.sampleRate, frames: end, cues: ordered, steps: steps)
    }
}

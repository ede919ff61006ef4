/// A stretching routine: the poses in order and how long each lasts.
///
/// Times are in seconds here; the timing engine converts them to frames once,
/// when it builds a timeline.
public struct Routine: Equatable, Sendable {
    /// The name spoken of and shown to the user, e.g. "Relieving Back Tension".
    public var name: String
    /// How many times the whole list of poses is done.
    public var rounds: Int
    /// The hold of every pose that does not set its own, in seconds.
    public var hold: Double
    /// The pause between a pose's instructions and the start of its hold, in seconds.
    public var settle: Double
    /// The pause after a release before the next pose is announced, in seconds.
    public var rest: Double
    /// The breathing pattern of every hold whose pose does not set its own.
    public var breathing: BreathPattern
    /// Spoken once before the first pose.
    public var intro: PromptRef?
    /// Spoken once after the last pose.
    public var outro: PromptRef?
    /// Sound packs the routine plays with (names, or paths made absolute
    /// from the routine file's folder), after any given on the command line.
    public var packs: [String] = []
    /// Gains in dB by layer name (`voice`, `chime`, `breath`, `ambient`):
    /// how the routine's author balances its sounds; a config's and the
    /// command line's gains go over them.
    public var gains: [String: Double] = [:]
    /// The layers `gains` may name (the mixer's, which `AudioTests` checks).
    public static let layers = ["voice", "chime", "breath", "ambient"]
    /// The poses of one round, in order.
    public var poses: [Pose]

    public init(
        name: String, rounds: Int = 1, hold: Double = 30, settle: Double = 3, rest: Double = 4,
        breathing: BreathPattern = .deepBelly, intro: PromptRef? = nil, outro: PromptRef? = nil,
        poses: [Pose]
    ) {
        self.name = name
        self.rounds = rounds
        self.hold = hold
        self.settle = settle
        self.rest = rest
        self.breathing = breathing
        self.intro = intro
        self.outro = outro
        self.poses = poses
    }
}

/// One pose of a routine.
public struct Pose: Equatable, Sendable {
    /// A short identifier, unique within the routine (`cobra`).
    public var id: String
    /// The name shown on screen (`Cobra`).
    public var name: String
    /// How to get into the pose and what to feel, spoken before the hold.
    public var prompt: PromptRef
    /// A hold of a fixed time, or a number of breaths paced by the breathing tones.
    public var length: PoseLength
    /// The sides done one after another, each with its own hold; empty for a pose done once.
    public var sides: [Side]
    /// Spoken before the hold of a side instead of the generic side prompt.
    public var sidePrompts: [Side: PromptRef]
    /// This pose's own breathing pattern, if it differs from the routine's.
    public var breathing: BreathPattern?
    /// Spoken at the start of each inhale of a breath-paced pose (cat/cow's "cow").
    public var inhalePrompt: PromptRef?
    /// Spoken at the start of each exhale of a breath-paced pose (cat/cow's "cat").
    public var exhalePrompt: PromptRef?
    /// Spoken right after the release chime: how to come out of the pose.
    public var releasePrompt: PromptRef?

    public init(
        id: String, name: String, prompt: PromptRef, length: PoseLength = .hold(nil),
        sides: [Side] = [], sidePrompts: [Side: PromptRef] = [:], breathing: BreathPattern? = nil,
        inhalePrompt: PromptRef? = nil, exhalePrompt: PromptRef? = nil, releasePrompt: PromptRef? = nil
    ) {
        self.id = id
        self.name = name
        self.prompt = prompt
        self.length = length
        self.sides = sides
        self.sidePrompts = sidePrompts
        self.breathing = breathing
        self.inhalePrompt = inhalePrompt
        self.exhalePrompt = exhalePrompt
        self.releasePrompt = releasePrompt
    }
}

/// How long a pose lasts.
public enum PoseLength: Equatable, Sendable {
    /// Held for this many seconds, or for the routine's hold when `nil`.
    case hold(Double?)
    /// Moved through with the breath for this many full breaths, with no hold.
    case breaths(Int)
}

/// The side of the body a hold works.
public enum Side: String, CaseIterable, Sendable, Codable {
    case left, right, both
}

/// Where a value came from in a routine file, for error messages.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COLUMN`, the form editors and compilers use.
    public var description: String { "\(file):\(line):\(column)" }
}

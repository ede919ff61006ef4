import Routines

/// A whole session laid out on the sample clock: every cue at its frame.
public struct Timeline: Equatable, Sendable {
    /// Frames per second.
    public var sampleRate: Int
    /// The session's length: the frame after the last sound ends.
    public var frames: Int64
    /// Every cue, ordered by frame (cues on one frame keep the order they were laid out in).
    public var cues: [Cue]
    /// Every hold of the session in order: one per pose, or one per side of a pose.
    public var steps: [Step]

    public init(sampleRate: Int, frames: Int64, cues: [Cue], steps: [Step]) {
        self.sampleRate = sampleRate
        self.frames = frames
        self.cues = cues
        self.steps = steps
    }

    /// Seconds from the start of the session to `frame`.
    public func seconds(at frame: Int64) -> Double { Double(frame) / Double(sampleRate) }

    /// The index of the step heard at `frame`: the last one begun by then,
    /// `nil` before the first. Steps are in order of their starts, so it is
    /// found by halving (the control thread asks several times a second).
    public func stepIndex(at frame: Int64) -> Int? {
        var begun = (low: 0, high: steps.count)
        while begun.low < begun.high {
            let middle = (begun.low + begun.high) / 2
            if steps[middle].start <= frame { begun.low = middle + 1 } else { begun.high = middle }
        }
        return begun.low > 0 ? begun.low - 1 : nil
    }
}

/// One hold of a session (a pose, or one side of it) and where it lies.
public struct Step: Equatable, Sendable {
    /// The round, from 1.
    public var round: Int
    /// The pose's place in its routine, from 0.
    public var poseIndex: Int
    /// The pose's id and name.
    public var pose: String
    public var name: String
    public var side: Side?
    /// The first frame of what is spoken for this step.
    public var start: Int64
    /// Where the hold (or the paced breathing) begins and ends.
    public var holdStart: Int64
    public var holdEnd: Int64
    /// The number of breaths of a breath-paced step; `nil` for a hold.
    public var breaths: Int?

    public init(
        round: Int, poseIndex: Int, pose: String, name: String, side: Side?, start: Int64, holdStart: Int64,
        holdEnd: Int64, breaths: Int? = nil
    ) {
        self.round = round
        self.poseIndex = poseIndex
        self.pose = pose
        self.name = name
        self.side = side
        self.start = start
        self.holdStart = holdStart
        self.holdEnd = holdEnd
        self.breaths = breaths
    }
}

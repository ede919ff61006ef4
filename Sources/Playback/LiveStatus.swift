import Routines
import Timing

/// What a playing session is doing, for the screen: read on the control
/// thread, from what the listener hears now.
public struct LiveStatus: Equatable, Sendable {
    /// The session frame being heard, and the session's length.
    public var frame: Int64
    public var frames: Int64
    public var sampleRate: Int
    /// The step being heard, if any, and where it stands.
    public var step: Step?
    /// Which step of how many (from 1; 0 before the first), how many poses, how many rounds.
    public var stepNumber: Int
    public var stepCount: Int
    public var poseCount: Int
    public var rounds: Int
    public var paused: Bool
    /// Master volume in dB, and whether the breathing tones play.
    public var volume: Double
    public var breathOn: Bool

    /// The status of `timeline` at `frame`.
    public init(timeline: Timeline, frame: Int64, paused: Bool, volume: Double, breathOn: Bool) {
        self.frame = min(frame, timeline.frames)
        frames = timeline.frames
        sampleRate = timeline.sampleRate
        let steps = timeline.steps
        let index = timeline.stepIndex(at: frame)
        step = index.map { steps[$0] }
        stepNumber = (index ?? -1) + 1
        stepCount = steps.count
        // Read on the control thread several times a second: counted without building arrays.
        poseCount = steps.lazy.map(\.poseIndex).max().map { $0 + 1 } ?? 1
        rounds = steps.lazy.map(\.round).max() ?? 1
        self.paused = paused
        self.volume = volume
        self.breathOn = breathOn
    }

    /// Where the current hold stands, 0...1; `nil` outside a hold.
    public var holdProgress: Double? {
        guard let step, frame >= step.holdStart, frame < step.holdEnd else { return nil }
        return Double(frame - step.holdStart) / Double(step.holdEnd - step.holdStart)
    }

    /// Whole seconds left in the current hold; `nil` outside a hold.
    public var holdSecondsLeft: Int? {
        guard let step, holdProgress != nil else { return nil }
        return Int((step.holdEnd - frame + Int64(sampleRate) - 1) / Int64(sampleRate))
    }

    /// Whole seconds left in the session.
    public var sessionSecondsLeft: Int { Int((frames - frame) / Int64(max(1, sampleRate))) }
}

/// Where a session goes on after its sound stopped being heard (a device
/// lost and reopened): never later than what was heard, so no cue is
/// skipped, and at a point that makes sense to a listener.
public enum ResumePoint: Equatable, Sendable {
    /// From the top: the sound stopped before the first pose.
    case start
    /// From the first words of a step, so its pose is announced again.
    case step(Int)
    /// From the end of a step's hold: its release (or switch) chime and what follows.
    case release(Int)
}

extension Timeline {
    /// The resume point for sound last heard at `frame`: the step playing
    /// then starts again from its announcement; after a step's hold, its
    /// release is played again.
    public func resumePoint(for frame: Int64) -> ResumePoint {
        guard let index = stepIndex(at: frame) else { return .start }
        return frame < steps[index].holdEnd ? .step(index) : .release(index)
    }

    /// The frame a resume point stands for on this timeline.
    public func frame(of point: ResumePoint) -> Int64 {
        switch point {
        case .start: 0
        case .step(let index): steps[index].start
        case .release(let index): steps[index].holdEnd
        }
    }
}

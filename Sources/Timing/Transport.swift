import Routines

/// What the user can ask of the session's timeline while it plays.
public enum TimelineEdit: Sendable, Equatable {
    /// Go to the next step's announcement.
    case next
    /// Go back to the current step's announcement, or to the previous step's
    /// when pressed again within `Transport.doublePress` of landing.
    case back
    /// Make the current hold `Transport.holdStep` longer or shorter.
    case lengthen
    case shorten
    /// Play holds, breaths and pauses `Transport.paceStep` times faster or slower from now on.
    case faster
    case slower
}

/// Timeline edits as pure functions: a session (its timeline and the edits
/// that made it), a position, an edit in; the new session and position out.
/// Nothing here knows of devices or threads, so every edit is tested on
/// frames alone.
public struct Transport {
    /// How much a hold changes per press, and the shortest it gets.
    public static let holdStep = 10.0
    public static let shortestHold = 5.0
    /// How much the pace changes per press.
    public static let paceStep = 1.25
    /// Pressing back again within this many seconds of landing goes one step further back.
    public static let doublePress = 2.0

    /// Lays the session out again with changed edits: the routine, options
    /// and sounds stay what they were.
    public typealias Rebuild = (SessionEdits) throws -> Timeline

    public private(set) var timeline: Timeline
    public private(set) var edits: SessionEdits
    /// Where the last `back` landed, to tell a double press.
    public private(set) var lastBackLanding: Int64?
    private let pace: Double
    private let rebuild: Rebuild

    /// - Parameter pace: the pace the session started at (its options').
    public init(timeline: Timeline, pace: Double, edits: SessionEdits = SessionEdits(), rebuild: @escaping Rebuild) {
        self.timeline = timeline
        self.pace = pace
        self.edits = edits
        self.rebuild = rebuild
    }

    /// Applies `edit` at session frame `position`. Returns the frame to play
    /// from, or `nil` when the edit means nothing there (lengthening a hold
    /// that is over, going back before the first step...).
    public mutating func apply(_ edit: TimelineEdit, at position: Int64) throws -> Int64? {
        let current = timeline.stepIndex(at: position)
        switch edit {
        case .next:
            guard let next = current.map({ $0 + 1 }) ?? (timeline.steps.isEmpty ? nil : 0) else { return nil }
            if next < timeline.steps.count { return timeline.steps[next].start }
            // After the last step: its release and the closing.
            let last = timeline.steps[timeline.steps.count - 1]
            return position < last.holdEnd ? last.holdEnd : nil
        case .back:
            let doublePressed = lastBackLanding.map {
                position >= $0 && position - $0 < Int64(Self.doublePress * Double(timeline.sampleRate))
            } ?? false
            var target = current ?? 0
            if doublePressed, let current { target = max(0, current - 1) }
            guard !timeline.steps.isEmpty else { return nil }
            lastBackLanding = timeline.steps[target].start
            return timeline.steps[target].start
        case .lengthen, .shorten:
            guard let current, position < timeline.steps[current].holdEnd else { return nil }
            return try changeHold(of: current, at: position, longer: edit == .lengthen)
        case .faster, .slower:
            guard !timeline.steps.isEmpty else { return nil }
            // The current step changes pace only if its hold has not begun;
            // before the first step (the opening), the first one does.
            let from = current.map { position < timeline.steps[$0].holdStart ? $0 : $0 + 1 } ?? 0
            let now = edits.pace(at: from) ?? pace
            let changed = edit == .faster ? now * Self.paceStep : now / Self.paceStep
            guard RoutineLimits.pace.contains(changed) else { return nil }
            var next = edits
            next.paces[from] = changed
            return try relayout(with: next, keeping: position)
        }
    }

    private mutating func changeHold(of index: Int, at position: Int64, longer: Bool) throws -> Int64? {
        let step = timeline.steps[index]
        let rate = Double(timeline.sampleRate)
        var next = edits
        if let breaths = step.breaths {
            // A breath-paced step: one breath more or less, never none.
            let changed = breaths + (longer ? 1 : -1)
            guard changed >= 1 else { return nil }
            next.breaths[index] = changed
        } else {
            let hold = Double(step.holdEnd - step.holdStart) / rate
            let elapsed = max(0, Double(position - step.holdStart) / rate)
            // Shorter, but never under the floor, and never ending before now: a second from now at the soonest.
            let changed = longer ? hold + Self.holdStep : max(Self.shortestHold, hold - Self.holdStep, elapsed + 1)
            guard changed != hold else { return nil }
            next.holds[index] = changed
        }
        return try relayout(with: next, keeping: position)
    }

    /// Lays the session out with `next` and finds `position` in it: the same
    /// offset into the same step (edits never move a step's start before it).
    private mutating func relayout(with next: SessionEdits, keeping position: Int64) throws -> Int64 {
        let laidOut = try rebuild(next)
        let index = timeline.stepIndex(at: position)
        let moved = index.map { laidOut.steps[$0].start + (position - timeline.steps[$0].start) } ?? position
        timeline = laidOut
        edits = next
        return min(moved, laidOut.frames)
    }
}

/// Changes made to a session while it plays, by step index (see
/// `Timeline.steps`): the timeline is laid out again with them.
public struct SessionEdits: Equatable, Sendable {
    /// A held step's hold in real seconds, replacing the routine's.
    public var holds: [Int: Double]
    /// A breath-paced step's number of breaths, replacing the routine's.
    public var breaths: [Int: Int]
    /// The pace from a step on: a step takes the change at the highest index at or below its own.
    public var paces: [Int: Double]

    public init(holds: [Int: Double] = [:], breaths: [Int: Int] = [:], paces: [Int: Double] = [:]) {
        self.holds = holds
        self.breaths = breaths
        self.paces = paces
    }

    /// The pace step `step` plays at, when an edit set one.
    func pace(at step: Int) -> Double? {
        paces.filter { $0.key <= step }.max { $0.key < $1.key }?.value
    }
}

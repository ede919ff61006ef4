/// The periods written to a device that can take frames back, newest last,
/// each with what is needed to make it again: the session frame it began
/// at and the renderer as it was before it. A rewind goes back to the
/// start of one of them and plays on from there with what the mail brought.
///
/// A fixed ring allocated once: recording and taking back never allocate.
/// The renderers it holds share their sounds and mixers with the loop's
/// own, so letting go of one never frees anything; the loop clears the
/// history before it lets go of any of them itself (see `AudioLoop`).
struct RewindHistory {
    /// One period written.
    struct Period {
        /// The session frame the period began at.
        var position: Int64
        /// Device frames written, and session frames used.
        var frames: Int
        var used: Int
        /// The renderer before the period was made.
        var renderer: PeriodRenderer
    }

    private var periods: [Period?]
    /// The slot of the oldest period, and how many are held.
    private var oldest = 0
    private(set) var count = 0

    /// Room for `capacity` periods: the older ones are forgotten.
    init(capacity: Int) {
        periods = Array(repeating: nil, count: max(1, capacity))
    }

    /// Notes a period just written.
    mutating func record(_ period: Period) {
        if count == periods.count {
            periods[oldest] = nil
            oldest = (oldest + 1) % periods.count
            count -= 1
        }
        periods[(oldest + count) % periods.count] = period
        count += 1
    }

    /// Forgets every period: none of them can be made again the same way.
    mutating func clear() {
        while count > 0 {
            periods[oldest] = nil
            oldest = (oldest + 1) % periods.count
            count -= 1
        }
    }

    /// The newest periods whose frames add up to at most `frames`: how many
    /// and their frames (0 and 0 when not even the newest fits).
    func newest(within frames: Int) -> (periods: Int, frames: Int) {
        var taken = (periods: 0, frames: 0)
        while taken.periods < count {
            let period = periods[(oldest + count - 1 - taken.periods) % periods.count]!
            guard taken.frames + period.frames <= frames else { break }
            taken = (taken.periods + 1, taken.frames + period.frames)
        }
        return taken
    }

    /// Removes the newest `number` periods; returns the oldest of them, with
    /// the session frames all of them used.
    mutating func takeBack(_ number: Int) -> (first: Period, used: Int) {
        precondition(number > 0 && number <= count, "only periods held can be taken back")
        var used = 0
        var first: Period?
        for _ in 0..<number {
            let slot = (oldest + count - 1) % periods.count
            first = periods[slot]
            used += first!.used
            periods[slot] = nil
            count -= 1
        }
        return (first!, used)
    }
}

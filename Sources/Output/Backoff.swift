/// How long to wait between attempts to reopen a device.
public enum Backoff {
    /// After a device is lost: 0.5, 1, 2 and 5 seconds, then every 5 seconds.
    public static func afterLoss(attempt: Int) -> Duration {
        let steps: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2), .seconds(5)]
        return steps[min(attempt, steps.count - 1)]
    }

    /// A busy device at start: every 100 ms for about a second, then as after a loss.
    public static func whileBusy(attempt: Int) -> Duration {
        attempt < 10 ? .milliseconds(100) : afterLoss(attempt: attempt - 10)
    }
}

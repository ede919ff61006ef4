/// The values the sound device's settings may take, on the command line and
/// in the config alike: one table, as `RoutineLimits` is for routines.
public enum PlaybackLimits {
    /// The device buffer, in milliseconds (`--buffer-ms`, `buffer_ms`).
    public static let bufferMilliseconds = 10...2000
    /// The deep buffer a card that can rewind keeps, in milliseconds, when
    /// not 0 (never rewind) (`--rewind-ms`, `rewind_ms`).
    public static let rewindMilliseconds = 100...2000
    /// Silence before the first frame, in milliseconds (`--lead-in-ms`, `lead_in_ms`).
    public static let leadInMilliseconds = 0...10_000
    /// How long the device may take no frames before it counts as stalled,
    /// in seconds (`--stall-timeout`, `stall_timeout`).
    public static let stallTimeout = 0.2...60.0
}

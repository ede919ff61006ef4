/// The values a routine, and the options that change one, may take.
///
/// One table, so that the routine loader, the command line and the README agree.
public enum RoutineLimits {
    /// Rounds of the whole routine.
    public static let rounds = 1...9
    /// A hold, in seconds: at most 30 minutes.
    public static let hold = 1.0...1800.0
    /// Breaths of a breath-paced pose.
    public static let breaths = 1...200
    /// An inhale or an exhale, in seconds.
    public static let breathPhase = 0.5...30.0
    /// A pause with full or empty lungs, in seconds.
    public static let breathHold = 0.0...30.0
    /// The settle and rest pauses, in seconds.
    public static let pause = 0.0...120.0
    /// Poses in one round.
    public static let poses = 1...100
    /// The pace factor: 2 is twice as fast, 0.5 half as fast.
    public static let pace = 0.25...4.0
    /// A layer's gain, in dB.
    public static let gain = -60.0...12.0
    /// A whole session laid out, in seconds: a day, which no real session
    /// meets, and which keeps a plan's memory and a render's file bounded.
    public static let sessionSeconds = 24.0 * 3600
}

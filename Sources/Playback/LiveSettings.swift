import Output
import Timing

/// How a live session starts, stops and recovers.
public struct LiveSettings: Sendable {
    /// Silence written after every open, so a waking DAC or Bluetooth
    /// speaker does not swallow the first word.
    public var leadIn: Duration
    /// How long to keep reopening a lost device before giving up.
    public var giveUpAfter: Duration
    /// The fade-in when playing resumes (after a pause, or in the middle of
    /// the session after the device came back), and the fade-out when the
    /// user stops it.
    public var fadeIn: Duration
    public var fadeOut: Duration
    /// The master volume the session starts at, in dB (a box keeps its
    /// volume from one session to the next).
    public var volume: Double
    /// The sound card's own volume control, which the volume keys drive
    /// instead of scaling the samples (`volume` is then left to the card:
    /// the control keeps its level from one session to the next).
    public var hardwareVolume: HardwareVolume?
    /// Where the answers to keys and buttons play when not in the session's
    /// own stream (which a Snapcast studio hears late).
    public var replies: ReplyPlayer?

    public init(
        leadIn: Duration = .seconds(1), giveUpAfter: Duration = .seconds(600), fadeIn: Duration = .milliseconds(30),
        fadeOut: Duration = .milliseconds(60), volume: Double = 0, hardwareVolume: HardwareVolume? = nil
    ) {
        self.leadIn = leadIn
        self.giveUpAfter = giveUpAfter
        self.fadeIn = fadeIn
        self.fadeOut = fadeOut
        self.volume = volume
        self.hardwareVolume = hardwareVolume
    }
}

/// What happened in a live session.
public struct PlaybackSummary: Equatable, Sendable {
    /// Session frames written to the device, at `sampleRate`.
    public var playedFrames: Int64
    public var sessionFrames: Int64
    public var sampleRate: Int
    public var underruns: Int
    /// Stalls of the feed the device did not report as underruns.
    public var stalls: Int
    public var suspends: Int
    public var reopens: Int
    /// Sounds that were not ready in time, or could not be read, and played as silence.
    public var missedSounds: Int
    /// Whether the user stopped the session before its end.
    public var stopped: Bool

    /// One line for the user: played time, underruns, stalls, reopens.
    public var line: String {
        func clock(_ frames: Int64) -> String { Timeline.clock(seconds: Int(frames / Int64(max(1, sampleRate)))) }
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        var parts = [
            "\(stopped ? "stopped after" : "played") \(clock(playedFrames)) of \(clock(sessionFrames))",
            count(underruns, "underrun"), count(stalls, "stall"), count(reopens, "reopen"),
        ]
        if missedSounds > 0 { parts.append("\(count(missedSounds, "sound")) missed") }
        return parts.joined(separator: ", ")
    }
}

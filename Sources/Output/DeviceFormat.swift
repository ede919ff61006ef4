/// What `play` asks a sound device for.
public struct DeviceRequest: Equatable, Sendable {
    /// The ALSA PCM name: `default`, `hw:CARD=Device,DEV=0`, `plughw:1`, `pulse`...
    public var device: String
    public var sampleRate: Int
    /// 2, or 1 for a mono speaker.
    public var channels: Int
    /// The whole device buffer, in milliseconds.
    public var bufferMilliseconds: Int
    /// How many periods the buffer is split into.
    public var periods: Int
    /// A sample format to insist on; `nil` takes the best the device offers natively.
    public var sampleFormat: SampleFormat?
    /// On a device that can take back frames it was given (a sound card's
    /// `hw:`), the buffer to keep full instead, in milliseconds: fewer
    /// wake-ups, and a key is still heard at once, put in front by a
    /// rewind. 0 never rewinds.
    public var rewindMilliseconds: Int
    /// Whether the answers to keys play on a stream of their own
    /// (`ReplyPlayer`): a sound server, which keeps its whole buffer full,
    /// is then given all of `bufferMilliseconds` as a cushion, since no key
    /// waits behind it; else only half, so a key is heard within it.
    public var answersApart: Bool

    public init(
        device: String = "default", sampleRate: Int = 48_000, channels: Int = 2, bufferMilliseconds: Int = 100,
        periods: Int = 4, sampleFormat: SampleFormat? = nil, rewindMilliseconds: Int = 0, answersApart: Bool = false
    ) {
        self.device = device
        self.sampleRate = sampleRate
        self.channels = channels
        self.bufferMilliseconds = bufferMilliseconds
        self.periods = periods
        self.sampleFormat = sampleFormat
        self.rewindMilliseconds = rewindMilliseconds
        self.answersApart = answersApart
    }
}

/// What a device granted, read back after negotiation.
public struct DeviceFormat: Equatable, Sendable, CustomStringConvertible {
    public var sampleRate: Int
    public var channels: Int
    public var sampleFormat: SampleFormat
    /// Frames per period and in the whole buffer.
    public var periodFrames: Int
    public var bufferFrames: Int
    /// The most frames kept queued: every queued frame delays a key's earcon.
    public var fillFrames: Int
    /// Whether the device plays in real time; a file or the null device
    /// takes frames as fast as they come.
    public var keepsTime: Bool
    /// Whether the device takes back frames it was given and not played yet
    /// (`snd_pcm_rewind`): its whole buffer is then kept full.
    public var rewinds: Bool
    /// Whether `PCMDevice.delay` says how much is queued before the
    /// listener; a TCP connection to a Snapcast server cannot (what the
    /// server has taken is out of sight), so a stall is found by time alone.
    public var reportsDelay: Bool
    /// Whether the device is a stream of a sound server (PulseAudio,
    /// PipeWire, through ALSA's plugin), whose own threads play in real time.
    public var feedsSoundServer: Bool

    /// `fillFrames` defaults to half the buffer, and two periods at least.
    public init(
        sampleRate: Int, channels: Int, sampleFormat: SampleFormat, periodFrames: Int, bufferFrames: Int,
        fillFrames: Int? = nil, keepsTime: Bool = true, rewinds: Bool = false, reportsDelay: Bool = true,
        feedsSoundServer: Bool = false
    ) {
        self.keepsTime = keepsTime
        self.rewinds = rewinds
        self.reportsDelay = reportsDelay
        self.feedsSoundServer = feedsSoundServer
        self.sampleRate = sampleRate
        self.channels = channels
        self.sampleFormat = sampleFormat
        self.periodFrames = periodFrames
        self.bufferFrames = bufferFrames
        self.fillFrames = fillFrames ?? min(bufferFrames, max(2 * periodFrames, bufferFrames / 2))
    }

    /// Periods free in a buffer kept full (`rewinds`) before it is topped
    /// up: the loop wakes a quarter as often as for every period (aplay
    /// wakes each quarter of its buffer), and a key does not wait for it: a
    /// key wakes the loop, which rewinds.
    public static let refillPeriods = 4

    /// The room that ends a wait for it (ALSA's `avail_min`): on a buffer
    /// kept full, `refillPeriods` periods; else room for one period below
    /// `fillFrames`.
    public var wakeFrames: Int {
        rewinds ? min(bufferFrames, Self.refillPeriods * periodFrames) : bufferFrames - fillFrames + periodFrames
    }

    /// How long a device may take nothing, once the program asks to end,
    /// before a write gives up on it: longer than a healthy device ever
    /// makes a write wait (a period late, and 50 ms more).
    public var abandonAfter: Duration { .milliseconds(50 + periodFrames * 1000 / max(1, sampleRate)) }

    /// Bytes of one frame as the device takes it.
    public var bytesPerFrame: Int { channels * sampleFormat.bytesPerSample }

    public var description: String {
        let milliseconds = bufferFrames * 1000 / max(1, sampleRate)
        return "\(sampleRate) Hz, \(channels) ch, \(sampleFormat.rawValue), period \(periodFrames) frames, "
            + "buffer \(bufferFrames) frames (\(milliseconds) ms), kept filled to \(fillFrames)"
            + (rewinds ? ", rewinds" : "")
    }
}

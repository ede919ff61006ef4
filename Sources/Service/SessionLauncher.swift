import Configuration
import Logging
import Output
import Playback
import Timing

/// How a live command sets its sound up, one way for all: `play`, the box
/// (`serve`) and `packs preview` ask for the device and open it here, find
/// the card's own volume control, open the device the answers to keys play
/// on, and keep a session's place and history. Its fields are the config's
/// settings (`init(settings:)`) with the command's flags over them.
public struct SessionLauncher: Sendable {
    /// The device, and how to drive it (`DeviceRequest`).
    public var device: String
    public var bufferMilliseconds: Int
    public var sampleFormat: SampleFormat?
    public var rewindMilliseconds: Int
    /// Where the answers to keys play (`ReplyDevice`); `nil`: where the output says.
    public var earconDevice: String?
    /// The card's volume control the volume keys drive; `nil`: the samples are scaled.
    public var mixerControl: String?
    /// Silence after every open; how long a lost device is waited for; how
    /// long a device may take nothing before it is taken for lost.
    public var leadIn: Duration
    public var giveUpAfter: Duration
    public var stallTimeout: Duration
    /// Where a session's place is saved and its history kept.
    public var placePath: String
    public var historyPath: String
    private let logger: Logger
    /// Waits for a busy or missing device (`DeviceStream`): `false` to give up.
    private let wait: @Sendable (Duration, () -> Bool) -> Bool

    /// A device asked for plainly: no rewinds, the answers in its stream, no mixer control.
    public init(
        device: String, giveUpAfter: Duration, logger: Logger, wait: @escaping @Sendable (Duration, () -> Bool) -> Bool
    ) {
        self.device = device
        bufferMilliseconds = DeviceRequest().bufferMilliseconds
        rewindMilliseconds = 0
        earconDevice = ReplyDevice.sessionStream
        leadIn = .zero
        self.giveUpAfter = giveUpAfter
        stallTimeout = .seconds(2)
        placePath = ""
        historyPath = ""
        self.logger = logger
        self.wait = wait
    }

    /// As the config's `settings` say, a box's way: a lost device is waited for as long as it takes.
    public init(settings: Settings, logger: Logger, wait: @escaping @Sendable (Duration, () -> Bool) -> Bool) {
        self.init(device: settings.device, giveUpAfter: settings.live.giveUpAfter, logger: logger, wait: wait)
        bufferMilliseconds = settings.bufferMilliseconds
        sampleFormat = settings.sampleFormat
        rewindMilliseconds = settings.rewindMilliseconds
        earconDevice = settings.earconDevice
        mixerControl = settings.mixerControl
        leadIn = settings.live.leadIn
        stallTimeout = .milliseconds(Int(settings.stallTimeout * 1000))
        placePath = settings.placePath
        historyPath = settings.historyPath
    }

    /// What to ask the device for, at `rate` with `channels`.
    public func request(rate: Int, channels: Int) -> DeviceRequest {
        DeviceRequest(
            device: device, sampleRate: rate, channels: channels, bufferMilliseconds: bufferMilliseconds, periods: 4,
            sampleFormat: sampleFormat, rewindMilliseconds: rewindMilliseconds,
            answersApart: ReplyDevice.apart(asked: earconDevice))
    }

    /// Opens the device at `rate` with `channels`; a busy one is waited for
    /// until `giveUpAfter`, or until `stopping` says to give up.
    public func openDevice(
        rate: Int, channels: Int, stopping: @escaping @Sendable () -> Bool = { false }
    ) throws(DeviceError) -> DeviceStream {
        let wait = self.wait
        return try DeviceStream(
            request: request(rate: rate, channels: channels), opener: DeviceOpener(logger: logger), logger: logger,
            giveUpAfter: giveUpAfter, stallTimeout: stallTimeout,
            wait: { duration, more in wait(duration) { more() || stopping() } })
    }

    /// The card's own volume control, when one is named: found on the device's card.
    public func openCardVolume() throws(DeviceError) -> HardwareVolume? {
        guard let mixerControl else { return nil }
        return try HardwareVolume(device: device, control: mixerControl)
    }

    /// The device the answers to keys play on at `rate`, if they have one of their own (`ReplyDevice`).
    public func openReplies(rate: Int) -> ReplyPlayer? {
        ReplyDevice.open(asked: earconDevice, output: device, rate: rate, leadIn: leadIn, logger: logger, wait: wait)
    }

    /// How a session plays: starting at `volume` dB, with this lead-in and patience with a lost device.
    public func live(volume: Double = 0) -> LiveSettings {
        LiveSettings(leadIn: leadIn, giveUpAfter: giveUpAfter, volume: volume)
    }

    /// The keeper of a session's place and history: of `routine` (as asked
    /// for), named `name`, with `options`.
    public func keeper(routine: String, name: String, options: SessionOptions) -> SessionKeeper {
        SessionKeeper(
            routine: routine, name: name, options: options, placePath: placePath, historyPath: historyPath, logger: logger)
    }
}

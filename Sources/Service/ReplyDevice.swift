import Logging
import Output
import Playback

/// Where the answers to keys and buttons (earcons, the spoken status) play.
/// A Snapcast studio's rooms hear the session a second or more late, so
/// then they play on a local device, `default` unless another is named; on
/// a sound server they play on a second stream of the same server, so the
/// session's stream keeps its whole buffer as a cushion; on a sound card
/// they stay in the session's own stream, unless a device is named.
/// `output` names the session's own stream.
public enum ReplyDevice {
    /// The name that keeps the answers in the session's stream.
    public static let sessionStream = "output"

    /// Whether the answers may play apart from the session's stream: only
    /// `output` keeps them in it (`DeviceRequest.answersApart`).
    public static func apart(asked: String?) -> Bool { asked != sessionStream }

    /// The device the answers play on, `nil` for the session's own stream,
    /// with the session going to `output` and `asked` (`--earcon-device`,
    /// the config's `earcon_device`) named, if anything was.
    /// `outputIsSoundServer` is asked only when it decides.
    public static func name(asked: String?, output: String, outputIsSoundServer: () -> Bool) -> String? {
        guard apart(asked: asked) else { return nil }
        if let asked, asked != output { return asked }
        if asked == nil, (try? SnapcastTarget.named(output)) != nil { return "default" }
        return outputIsSoundServer() ? output : nil
    }

    /// The longest lead-in an answer waits for after the device opens: it is wanted now.
    public static let longestLeadIn = Duration.milliseconds(500)

    /// Opens the device the answers play on, or says in the log why they
    /// stay in the session's stream (a box without a local card still
    /// answers, late). After every open the answers wait for `leadIn` (the
    /// session's, for a device that starts late), at most `longestLeadIn`;
    /// a busy device is waited for with `wait` (as `DeviceStream`'s).
    public static func open(
        asked: String?, output: String, rate: Int, leadIn: Duration, logger: Logger,
        wait: @escaping (Duration, () -> Bool) -> Bool
    ) -> ReplyPlayer? {
        let named = name(asked: asked, output: output) { DeviceOpener.reachesSoundServer(output) }
        guard let device = named else { return nil }
        do {
            let stream = try DeviceStream(
                request: DeviceRequest(device: device, sampleRate: rate, channels: 2),
                opener: DeviceOpener(logger: logger), logger: logger, giveUpAfter: .seconds(1),
                wait: wait)
            logger.info("the answers to keys and buttons play on '\(device)'")
            return ReplyPlayer(stream: stream, leadIn: min(leadIn, longestLeadIn), logger: logger)
        } catch {
            logger.warning("the answers to keys and buttons play in the session's stream: cannot open \(error)")
            return nil
        }
    }
}

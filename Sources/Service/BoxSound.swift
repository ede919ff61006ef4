import Audio
import Configuration
import Logging
import Output
import Playback
import Routines
import Timing

/// The box's sound devices, as the session supervisor uses them: each
/// session on a `SessionThread` that opens the device, the card's own
/// volume control, and the device the answers play on when they have one
/// of their own (a Snapcast studio's box, a sound server).
///
/// The card's control and the answers' device are opened once, when first
/// needed, and kept: an idle volume press opens nothing. The control is
/// opened again after the sound devices changed (its card may be gone);
/// where the answers have no device of their own, that is asked again only
/// when a session starts or the devices change.
final class BoxSound: SoundDevices {
    private let parts: Daemon.Parts
    private let settings: Settings
    private let logger: Logger
    private var card: HardwareVolume?
    /// Whether the card's control could not be opened last time (said once in the log).
    private var cardFailed = false
    private var replies: ReplyPlayer?
    /// Whether the answers' device was asked for since the devices last changed.
    private var repliesAsked = false
    /// The keep-awake tone on the session's device while idle (`keep_awake`).
    private var keepingAwake: KeepAwakeThread?

    init(parts: Daemon.Parts, settings: Settings, logger: Logger) {
        self.parts = parts
        self.settings = settings
        self.logger = logger
    }

    func play(_ source: any SessionSource, from start: ResumePoint, volume: Double) -> any RunningSession {
        quiet()
        if replies == nil { repliesAsked = false }
        return SessionThread(open: parts.openDevice, source: source, settings: live(volume: volume), start: start, logger: logger)
    }

    func announce(_ prompt: PromptRef, volume: Double) -> Announcement? {
        guard let source = parts.announcement(prompt) else { return nil }
        if let replies = ownReplies() {
            replies.speech(source.speech([prompt], rate: replies.sampleRate), gain: Float(decibels: volume))
            return .said
        }
        quiet()
        var live = live(volume: volume)
        live.leadIn = min(live.leadIn, .milliseconds(500))
        return .playing(SessionThread(open: parts.openDevice, source: source, settings: live, logger: logger))
    }

    func answer(_ earcon: Earcon, volume: Double) {
        guard let replies = ownReplies() else { return }
        replies.earcon(parts.earcon(earcon, replies.sampleRate), gain: Float(decibels: volume))
    }

    func cardVolume() -> (any CardVolume)? { openCard() }

    func devicesChanged() {
        card = nil
        repliesAsked = false
        // A device given up on may be back: `idle` tries it again.
        if keepingAwake?.isFinished == true { quiet() }
    }

    /// With `keep_awake`, keeps the session's device open and playing the
    /// keep-awake tone; without it the device stays closed, and the idle
    /// box takes no CPU time.
    func idle() {
        guard settings.mix.keepAwake, keepingAwake == nil else { return }
        keepingAwake = KeepAwakeThread(open: parts.openDevice, giveUpAfter: settings.live.giveUpAfter, logger: logger)
    }

    /// Fades the keep-awake tone out and closes its device, for a session or
    /// an announcement to open it (about a quarter of a second and a
    /// buffer), or for the box to go down.
    func quiet() {
        guard let keeping = keepingAwake else { return }
        keeping.stop()
        keeping.join()
        keepingAwake = nil
    }

    /// How a session plays, at `volume` dB.
    private func live(volume: Double) -> LiveSettings {
        var live = settings.live
        live.volume = volume
        live.replies = ownReplies()
        live.hardwareVolume = openCard()
        return live
    }

    /// The card's own control, if the settings name one and it opens.
    private func openCard() -> HardwareVolume? {
        guard card == nil else { return card }
        do {
            card = try parts.openCardVolume()
            cardFailed = false
        } catch {
            if !cardFailed { logger.warning("cannot use the mixer control: \(error); the volume keys scale the samples instead") }
            cardFailed = true
        }
        return card
    }

    /// The device of their own the answers play on, if there is one.
    private func ownReplies() -> ReplyPlayer? {
        if replies == nil, !repliesAsked {
            replies = parts.openReplies()
            repliesAsked = true
        }
        return replies
    }
}

import Playback
import Timing

/// Which terminal key does what: one table for the player and for the
/// help screen. (Buttons have their own, `Keymap`, onto the same requests.)
public enum KeyBindings {
    /// What the user asked for with `key`: a request (`unknown` for a key
    /// that means nothing), or the help screen.
    public enum Action: Equatable, Sendable {
        case request(Request)
        case help
    }

    /// The volume keys' change, in dB: one step.
    static let volumeStep = Int(PlayerControl.volumeStep)

    public static func action(for key: Key) -> Action {
        switch key {
        case .character(" "): .request(.toggle)
        case .character("n"), .right: .request(.edit(.next))
        case .character("b"), .left: .request(.edit(.back))
        case .character("+"), .character("="): .request(.edit(.lengthen))
        case .character("-"), .character("_"): .request(.edit(.shorten))
        case .character("]"): .request(.edit(.faster))
        case .character("["): .request(.edit(.slower))
        case .up: .request(.volume(volumeStep))
        case .down: .request(.volume(-volumeStep))
        case .character("m"): .request(.toggleBreath)
        case .character("i"): .request(.whereAmI)
        case .character("q"), .controlC: .request(.stop)
        case .character("?"): .help
        default: .request(.unknown)
        }
    }

    /// Every key and what it does, in the order the help screen and the
    /// README's table list them.
    public static let keys: [(keys: String, meaning: String)] = [
        ("space", "pause / resume"),
        ("n or Right", "next pose"),
        ("b or Left", "restart this pose; twice within 2 s: the pose before"),
        ("+ / -", "this hold 10 s longer / shorter (never under 5 s); a breath-paced pose: a breath more / less"),
        ("] / [", "faster / slower pace from the next hold"),
        ("Up / Down", "volume up / down by 2 dB"),
        ("m", "breathing tones off / on"),
        ("i", "say where the session is"),
        ("q or Ctrl-C", "fade out and stop (Ctrl-C twice: stop at once)"),
        ("?", "this help"),
    ]

    /// The help screen, one key per line, as `?` shows it.
    public static var help: [String] {
        keys.map { $0.keys + String(repeating: " ", count: max(1, 12 - $0.keys.count)) + $0.meaning }
    }
}

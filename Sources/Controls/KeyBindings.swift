import Playback
import Timing

/// Which key does what: one table for the player and for the help screen.
public enum KeyBindings {
    /// What the user asked for with `key`: a command, the help screen, or nothing known.
    public enum Action: Equatable, Sendable {
        case command(Command)
        case help
    }

    public static func action(for key: Key) -> Action {
        switch key {
        case .character(" "): .command(.togglePause)
        case .character("n"), .right: .command(.edit(.next))
        case .character("b"), .left: .command(.edit(.back))
        case .character("+"), .character("="): .command(.edit(.lengthen))
        case .character("-"), .character("_"): .command(.edit(.shorten))
        case .character("]"): .command(.edit(.faster))
        case .character("["): .command(.edit(.slower))
        case .up: .command(.volumeUp)
        case .down: .command(.volumeDown)
        case .character("m"): .command(.toggleBreath)
        case .character("i"): .command(.whereAmI)
        case .character("q"), .controlC: .command(.stop)
        case .character("?"): .help
        default: .command(.unknown)
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

import Configuration
import Playback

/// Turns key events from buttons (a GPIO button, a media remote, a USB
/// numpad, a Bluetooth headset) into requests, by a keymap.
///
/// A press acts when it is let go, except for keys that repeat (volume),
/// which act on the press and on each repeat. A key mapped to `toggle`
/// acts by how long it was held, from the kernel's own times of press and
/// release: under `longPress` it toggles (or starts, when nothing plays),
/// from `longPress` on it stops. So one button alone runs a box. Pure: the
/// same events give the same requests.
public struct Buttons: Sendable {
    public let keymap: Keymap
    /// How long a hold makes a long press.
    public static let longPress = Duration.seconds(1)

    /// Keys down now, and when each went down.
    private var held: [UInt16: Duration] = [:]

    public init(keymap: Keymap = .standard) {
        self.keymap = keymap
    }

    /// The request an event makes, if any.
    public mutating func take(_ event: InputEvent) -> Request? {
        if event.type == InputEvent.synchronize && event.code == InputEvent.dropped {
            // Events were lost: a press whose release may be among them is forgotten.
            held.removeAll()
            return nil
        }
        guard event.type == InputEvent.key, let action = keymap.actions[event.code] else { return nil }
        switch event.value {
        case 1:
            held[event.code] = event.time
            return action.repeats ? action.request : nil
        case 2:
            return action.repeats && held[event.code] != nil ? action.request : nil
        case 0:
            guard let pressed = held.removeValue(forKey: event.code), !action.repeats else { return nil }
            if action.request == .toggle, event.time - pressed >= Self.longPress { return .stop }
            return action.request
        default:
            return nil
        }
    }

    /// Forgets keys held on a device that went away: their release never comes.
    public mutating func forgetHeldKeys() { held.removeAll() }
}

/// Commands a box runs when something happens (`on_start`, `on_pose`,
/// `on_end`, `on_device_lost`): to switch an amplifier's relay or an LED.
/// The service runs them (`HookRunner.swift`).
public struct Hooks: Equatable, Sendable {
    public enum Event: String, CaseIterable, Sendable {
        case start = "on_start"
        case pose = "on_pose"
        case end = "on_end"
        case deviceLost = "on_device_lost"
    }

    public var commands: [Event: String]

    public init(_ commands: [Event: String] = [:]) { self.commands = commands }
}

/// A failure to write sound: to a file or to a device.
public struct OutputError: Error, Equatable, CustomStringConvertible {
    /// The file or device.
    public var target: String
    /// What went wrong: the C function and its error text, or what was expected.
    public var message: String

    public init(target: String, message: String) {
        self.target = target
        self.message = message
    }

    public var description: String { "\(target): \(message)" }
}

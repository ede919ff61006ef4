import Glibc

/// Unbuffered writes of text to standard output or standard error, so
/// lines, status redraws and error lines appear at once and in order.
public struct TextOutput: Sendable {
    /// Where the text goes.
    public let descriptor: Int32

    public static let standardOutput = TextOutput(descriptor: STDOUT_FILENO)
    public static let standardError = TextOutput(descriptor: STDERR_FILENO)

    /// Writes all of `text`; a closed pipe or a full disk loses the text,
    /// never the program.
    public func write(_ text: String) {
        try? Files.write(Array(text.utf8), to: descriptor)
    }

    /// Writes `text` and a line break.
    public func line(_ text: String) { write(text + "\n") }
}

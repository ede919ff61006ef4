import Glibc

/// Unbuffered writes of text to standard output or standard error, so
/// lines, status redraws and error lines appear at once and in order.
public struct TextOutput: Sendable {
    let descriptor: Int32

    public static let standardOutput = TextOutput(descriptor: STDOUT_FILENO)
    public static let standardError = TextOutput(descriptor: STDERR_FILENO)

    /// Writes all of `text`, retrying when interrupted.
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    /// Writes `text` and a line break.
    public func line(_ text: String) { write(text + "\n") }
}

import Synchronization
import SystemCalls

/// The status line at the foot of a terminal: redrawn in place, never
/// wider than the terminal, and kept below what else is written while it
/// shows (log lines, the keys' help), so nothing is written on its row.
public final class StatusLine: Sendable {
    /// The status line on standard output.
    public static let standardOutput = StatusLine(output: .standardOutput)

    private let output: TextOutput
    /// The line shown, `nil` when none is.
    private let shown = Mutex<String?>(nil)

    public init(output: TextOutput) {
        self.output = output
    }

    /// The terminal's width in columns: 80 when it does not say.
    public var columns: Int { TerminalSize.columns(of: output.descriptor) ?? 80 }

    /// Draws `text` in place of the line shown, cut if it would reach the
    /// terminal's last column.
    public func draw(_ text: String) {
        shown.withLock { shown in
            let fitted = text.cut(toColumns: columns - 1)
            output.write("\r\u{1B}[2K" + fitted)
            shown = fitted
        }
    }

    /// Takes the line off the screen.
    public func clear() {
        shown.withLock { shown in
            guard shown != nil else { return }
            output.write("\r\u{1B}[2K")
            shown = nil
        }
    }

    /// Writes `lines` (each ending in a line break) to `destination` where
    /// the status line is, and the status line again below them.
    public func writeAbove(_ lines: String, to destination: TextOutput) {
        shown.withLock { shown in
            guard let line = shown else { return destination.write(lines) }
            output.write("\r\u{1B}[2K")
            destination.write(lines)
            output.write(line)
        }
    }
}

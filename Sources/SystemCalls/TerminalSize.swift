import Glibc

/// The terminal's width, read when it is needed, and word when the
/// terminal is resized.
public enum TerminalSize {
    /// The columns of the terminal `descriptor` is, `nil` when it is not a
    /// terminal or does not say (a pseudo-terminal never sized).
    public static func columns(of descriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Readable once the terminal has been resized (SIGWINCH) since the
    /// last `clear`, after `watchResizes`.
    public static let resized = WakeUp()

    /// Catches SIGWINCH from now on, each one signalling `resized`.
    public static func watchResizes() {
        // Made before the handler can run: no lazy initialization in a signal handler.
        _ = resized
        Signals.handle(SIGWINCH) { _ in
            let saved = errno
            TerminalSize.resized.signal()
            errno = saved
        }
    }
}

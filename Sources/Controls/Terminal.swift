import Glibc

/// The terminal's modes: raw for reading single keys, and back as they were
/// on every way out, a signal handler's included.
public enum Terminal {
    /// The modes found before raw mode, kept where a signal handler can reach them.
    nonisolated(unsafe) private static var saved = termios()
    nonisolated(unsafe) private static var descriptor: Int32 = -1

    /// Puts `fd` in raw mode: keys arrive one at a time, unechoed; Ctrl-C
    /// still raises SIGINT and output still turns "\n" into a new line.
    /// Returns `false` when `fd` is not a terminal.
    public static func enterRawMode(_ fd: Int32 = STDIN_FILENO) -> Bool {
        guard isatty(fd) == 1, tcgetattr(fd, &saved) == 0 else { return false }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(fd, TCSANOW, &raw) == 0 else { return false }
        descriptor = fd
        return true
    }

    /// Puts the modes back, if raw mode was entered. Only calls tcsetattr,
    /// which is safe in a signal handler.
    public static func restore() {
        guard descriptor >= 0 else { return }
        tcsetattr(descriptor, TCSANOW, &saved)
    }
}

import Glibc

/// The terminal's modes: raw for reading single keys, and back as they were
/// on every way out, a signal handler's included.
public enum Terminal {
    /// The modes found before raw mode, kept where a signal handler can
    /// reach them. On the heap, a whole stride: the compiler emitted a
    /// global `termios` as 57 bytes of storage, though the type is 60, and
    /// AddressSanitizer caught tcgetattr writing glibc's 60 into it.
    nonisolated(unsafe) private static let saved = Self.modes(termios())
    nonisolated(unsafe) private static var descriptor: Int32 = -1

    /// Puts `fd` in raw mode: keys arrive one at a time, unechoed; Ctrl-C
    /// still raises SIGINT and output still turns "\n" into a new line.
    /// Returns `false` when `fd` is not a terminal.
    public static func enterRawMode(_ fd: Int32 = STDIN_FILENO) -> Bool {
        guard isatty(fd) == 1, tcgetattr(fd, saved) == 0 else { return false }
        var raw = saved.pointee
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        let modes = Self.modes(raw)
        defer { modes.deallocate() }
        guard tcsetattr(fd, TCSANOW, modes) == 0 else { return false }
        descriptor = fd
        return true
    }

    /// `value` in heap memory of `termios`'s whole stride, for the C calls
    /// (a local might be emitted short, as the global was).
    private static func modes(_ value: termios) -> UnsafeMutablePointer<termios> {
        let modes = UnsafeMutablePointer<termios>.allocate(capacity: 1)
        modes.initialize(to: value)
        return modes
    }

    /// Puts the modes back, if raw mode was entered. Only calls tcsetattr,
    /// which is safe in a signal handler.
    public static func restore() {
        guard descriptor >= 0 else { return }
        tcsetattr(descriptor, TCSANOW, saved)
    }
}

import CPseudoTerminal
import Foundation

/// A pseudo-terminal for running the program as if a person sat at it:
/// the program reads keys from the slave side, the test types into and
/// reads from the master side.
public final class PseudoTerminal: @unchecked Sendable {
    public let master: Int32
    public let slave: Int32
    private let lock = NSLock()
    private var received = Data()
    private var reader: Thread?

    /// A pseudo-terminal `columns` wide and `rows` high, or never sized
    /// (the kernel's 0 by 0) when `columns` is `nil`.
    public init(columns: Int? = nil, rows: Int = 24) throws {
        var pair: (master: Int32, slave: Int32) = (-1, -1)
        guard stretchcue_open_pseudo_terminal(&pair.master, &pair.slave) == 0 else {
            throw PTYError(description: "no pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        (master, slave) = pair
        if let columns { resize(columns: columns, rows: rows) }
        // Drain what the program writes, so it never blocks on a full terminal.
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(self.master, $0.baseAddress, $0.count) }
                guard count > 0 else { return }
                lock.withLock { received.append(contentsOf: buffer[0..<count]) }
            }
        }
        thread.start()
        reader = thread
    }

    deinit {
        close(slave)
        close(master)
    }

    /// Makes the terminal `columns` wide and `rows` high (TIOCSWINSZ). The
    /// kernel sends SIGWINCH only to a terminal's session, which the
    /// programs started here are not: send it to them.
    public func resize(columns: Int, rows: Int = 24) {
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Types `text` as keys.
    public func type(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(master, &bytes, bytes.count)
    }

    /// Starts `stretchcue` with `arguments` at this terminal (its standard
    /// input and output; its standard error into `errors`, else nowhere),
    /// with `environment` over the tests' own.
    public func start(
        _ arguments: [String], errors: FileHandle = .nullDevice, environment: [String: String] = [:]
    ) throws -> Process {
        let program = Process()
        program.executableURL = URL(fileURLWithPath: Repository.products + "/stretchcue")
        program.arguments = arguments
        program.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        program.standardInput = FileHandle(fileDescriptor: slave)
        program.standardOutput = FileHandle(fileDescriptor: slave)
        program.standardError = errors
        try program.run()
        return program
    }

    /// Everything the program has written so far.
    public var output: String { lock.withLock { String(decoding: received, as: UTF8.self) } }

    /// The slave side's terminal modes.
    public var modes: termios {
        // A whole stride on the heap for tcgetattr, as in Terminal: storage
        // the compiler emits for a `termios` may be short of its 60 bytes.
        let modes = UnsafeMutablePointer<termios>.allocate(capacity: 1)
        defer { modes.deallocate() }
        modes.initialize(to: termios())
        tcgetattr(slave, modes)
        return modes.pointee
    }

    struct PTYError: Error, CustomStringConvertible { var description: String }
}

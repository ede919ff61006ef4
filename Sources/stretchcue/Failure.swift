import Audio
import Glibc
import Output
import Routines

/// A failure the user can act on: the line printed and the exit code.
struct Failure: Error {
    var line: String
    var exitCode: ExitCodes

    /// The exit codes, as the README and `--help` list them.
    enum ExitCodes: Int32 {
        /// The output could not be written.
        case outputFailed = 1
        /// A routine, sound file or pack is invalid.
        case invalidInput = 2
        /// No audio device could be opened, or a lost one did not come back in time.
        case deviceUnavailable = 3
        /// The box (`serve`) refused a `ctl` request.
        case refused = 4
        /// No box answers on the control socket.
        case noService = 5
        /// The remote could not listen on its address.
        case cannotListen = 6
        /// Stopped by SIGHUP (the terminal went away), SIGINT (Ctrl-C) or SIGTERM
        /// before the work was done: 128 and the signal's number. `play` ends
        /// with 0 on SIGTERM, the way a service is stopped.
        case hangUp = 129
        case interrupted = 130
        case terminated = 143
    }

    init(_ line: String, _ exitCode: ExitCodes) {
        self.line = line
        self.exitCode = exitCode
    }

    /// An exit code with nothing more to print.
    static func silent(_ exitCode: ExitCodes) -> Failure { Failure("", exitCode) }

    /// The exit code for stopping on `signal`.
    static func code(for signal: Int32) -> ExitCodes {
        switch signal {
        case SIGHUP: .hangUp
        case SIGTERM: .terminated
        default: .interrupted
        }
    }

    /// The failure for an error thrown by the libraries.
    init(_ error: any Error) {
        switch error {
        case let error as Failure: self = error
        case let error as InputError: self.init(error.description, .invalidInput)
        case let error as SoundError: self.init(error.description, .invalidInput)
        case let error as OutputError: self.init(error.description, .outputFailed)
        default: self.init("stretchcue: \(error)", .outputFailed)
        }
    }
}

/// Runs `body`, turning any library error into a `Failure`.
func reportingFailures<T>(_ body: () throws -> T) throws(Failure) -> T {
    do {
        return try body()
    } catch {
        throw Failure(error)
    }
}

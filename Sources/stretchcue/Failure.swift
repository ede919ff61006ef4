import Audio
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
        /// Stopped by SIGHUP: the terminal went away.
        case hangUp = 129
        /// Stopped by SIGINT (Ctrl-C) before the work was done.
        case interrupted = 130
    }

    init(_ line: String, _ exitCode: ExitCodes) {
        self.line = line
        self.exitCode = exitCode
    }

    /// An exit code with nothing more to print.
    static func silent(_ exitCode: ExitCodes) -> Failure { Failure("", exitCode) }

    /// The failure for an error thrown by the libraries.
    init(_ error: any Error) {
        switch error {
        case let error as Failure: self = error
        case let error as RoutineError: self.init(error.description, .invalidInput)
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

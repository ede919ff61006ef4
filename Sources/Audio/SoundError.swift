import Routines

/// A sound that cannot be used: a file that is missing, unreadable, or not
/// audio, named with what was expected.
public struct SoundError: Error, Equatable, CustomStringConvertible {
    /// The sound file.
    public var file: String
    /// What is wrong and what was expected.
    public var message: String
    /// Where the routine asked for this sound, when it did.
    public var requestedAt: SourceLocation?

    public init(file: String, message: String, requestedAt: SourceLocation? = nil) {
        self.file = file
        self.message = message
        self.requestedAt = requestedAt
    }

    /// `ROUTINE:LINE:COLUMN: FILE: message` when a routine asked for the
    /// sound, `FILE: message` otherwise.
    public var description: String {
        if let requestedAt { return "\(requestedAt): \(file): \(message)" }
        return "\(file): \(message)"
    }
}

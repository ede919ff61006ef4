/// A spoken prompt: an entry of the voice pack, or a sound file of the user's.
///
/// Two references are equal when they name the same sound; where they were
/// written does not count.
public struct PromptRef: Hashable, Sendable, CustomStringConvertible {
    /// What the reference names.
    public enum Source: Hashable, Sendable {
        /// An id in the voice pack (`pose.cobra`), looked up as `ID.wav`, `ID.flac`, `ID.ogg`...
        case voice(String)
        /// A sound file, by absolute path or relative to the routine file's folder.
        case file(String)
    }

    public var source: Source
    /// Where the reference was written, when it came from a routine file.
    public var location: SourceLocation?

    public init(_ source: Source, location: SourceLocation? = nil) {
        self.source = source
        self.location = location
    }

    /// A voice-pack prompt.
    public static func voice(_ id: String) -> PromptRef { PromptRef(.voice(id)) }

    /// Reads a prompt as written in a routine file: a value with a `/` or an
    /// audio file extension is a file, anything else a voice-pack id.
    public init(parsing text: String, location: SourceLocation? = nil) {
        let lower = text.lowercased()
        let isFile = text.contains("/") || PromptRef.fileExtensions.contains { lower.hasSuffix("." + $0) }
        self.init(isFile ? .file(text) : .voice(text), location: location)
    }

    /// Sound file extensions a prompt file may have, and those looked for in
    /// voice and chime packs, in this order.
    public static let fileExtensions = ["wav", "flac", "ogg", "oga", "aiff", "aif"]

    /// The reference as a routine file writes it.
    public var description: String {
        switch source {
        case .voice(let id): id
        case .file(let path): path
        }
    }

    public static func == (lhs: PromptRef, rhs: PromptRef) -> Bool { lhs.source == rhs.source }
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}

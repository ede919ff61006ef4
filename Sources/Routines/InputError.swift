/// A file that cannot be used (a routine, a config, a saved state): one
/// line naming the file, the place in it when there is one, and what was
/// expected.
public struct InputError: Error, Equatable, CustomStringConvertible {
    /// The file the problem is in.
    public var file: String
    /// The line and column, when the problem is at one place in the file.
    public var line: Int?
    public var column: Int?
    /// What is wrong and what was expected.
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public init(at location: SourceLocation, _ message: String) {
        self.init(file: location.file, line: location.line, column: location.column, message: message)
    }

    /// `FILE:LINE:COLUMN: message`, or `FILE: message` without a place.
    public var description: String { "\(place): \(message)" }

    /// Where the problem is: `FILE:LINE:COLUMN`, or `FILE` without a place.
    public var place: String {
        guard let line, let column else { return file }
        return "\(file):\(line):\(column)"
    }
}

import SystemCalls

/// A YAML file read whole: routines, pack manifests, the config, the saved
/// place, a pack's loudness cache. One way to read them, so each is refused
/// for the same reasons in the same words.
public enum YAMLFile {
    /// The tree of the YAML file at `path`, `nil` when it holds nothing.
    /// Refused with one line naming the file when it cannot be read, is a
    /// special file or longer than `limit` bytes, holds a NUL byte or is not
    /// UTF-8 text, or is not YAML (then with its line and column). `name`
    /// says what is read in errors ("the routine"); `expected`, what the
    /// file should be ("a routine file").
    public static func read(_ path: String, limit: Int, name: String, expected: String) throws(InputError) -> YAMLNode? {
        let bytes: [UInt8]
        do {
            bytes = try Files.read(path, limit: limit)
        } catch {
            throw InputError(file: path, message: "cannot read \(name): \(error.reason)")
        }
        guard !bytes.contains(0) else {
            throw InputError(file: path, message: "holds a NUL byte; expected \(expected) (YAML text)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw InputError(file: path, message: "not UTF-8 text; expected \(expected) (YAML)")
        }
        guard let root = try YAMLTree.parse(text, file: path), !root.isNull else { return nil }
        return root
    }
}

import CSndFile

/// The one place libsndfile's errors become text: the C function's name and
/// libsndfile's own words for what went wrong.
public enum LibSndFile {
    /// `function: message` for the last error on `file` (or of the last open, for `nil`).
    public static func failure(_ function: String, _ file: OpaquePointer?) -> String {
        "\(function): \(String(cString: sf_strerror(file)))"
    }

    /// `function: message` for an error number libsndfile returned.
    public static func failure(_ function: String, code: Int32) -> String {
        "\(function): \(String(cString: sf_error_number(code)))"
    }
}

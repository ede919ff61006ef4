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

    /// The formats this libsndfile reads, by the first word of the name it
    /// gives each major format (`WAV`, `FLAC`, `OGG`, `MPEG-1/2`...).
    /// The corresponding C function is `sf_command` (`SFC_GET_FORMAT_MAJOR_COUNT`, `SFC_GET_FORMAT_MAJOR`).
    public static var readableFormats: [String] {
        var count: Int32 = 0
        sf_command(nil, Int32(SFC_GET_FORMAT_MAJOR_COUNT), &count, Int32(MemoryLayout<Int32>.size))
        var formats: [String] = []
        for index in 0..<count {
            var format = SF_FORMAT_INFO(format: index, name: nil, extension: nil)
            guard sf_command(nil, Int32(SFC_GET_FORMAT_MAJOR), &format, Int32(MemoryLayout<SF_FORMAT_INFO>.size)) == 0,
                let name = format.name.map({ String(cString: $0).prefix { $0 != " " } }).map(String.init),
                !name.isEmpty, !formats.contains(name)
            else { continue }
            formats.append(name)
        }
        return formats
    }
}

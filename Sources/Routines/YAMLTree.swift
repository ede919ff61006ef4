import CYAML

/// A YAML node with where it starts in its file.
///
/// Routine, config and state files are read with libyaml's event parser into
/// this small tree: mappings, lists and scalars with positions for error
/// messages, without a Foundation-based YAML layer in the process.
public struct YAMLNode: Sendable {
    public enum Value: Sendable {
        /// A scalar's text. `plain` is false for quoted and block scalars,
        /// which are always text, never numbers.
        case scalar(String, plain: Bool)
        case mapping([(key: YAMLNode, value: YAMLNode)])
        case sequence([YAMLNode])
    }

    public var value: Value
    /// 1-based line and column of the node's first character.
    public var line: Int
    public var column: Int
}

/// Parses YAML text into a `YAMLNode` tree with libyaml.
public enum YAMLTree {
    /// The root of the single document in `text`, or `nil` for an empty file.
    /// Errors name `file` with the line and column libyaml reports.
    public static func parse(_ text: String, file: String) throws(InputError) -> YAMLNode? {
        try checkNesting(text, file: file)
        // libyaml keeps a pointer to its parser: it must not move, so it lives on the heap.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw InputError(file: file, message: "libyaml could not start (yaml_parser_initialize)")
        }
        defer { yaml_parser_delete(parser) }
        // Its input too, for as long as it reads; not a closure over an array's
        // buffer, as Swift 6.0 does not pass a typed error through one.
        let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.utf8.count)
        defer { bytes.deallocate() }
        _ = bytes.initialize(from: text.utf8)
        yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)
        return try compose(parser, text: text, file: file)
    }

    /// Builds the tree from parser events with an explicit stack, so deep
    /// nesting cannot overflow the call stack.
    private static func compose(_ parser: UnsafeMutablePointer<yaml_parser_t>, text: String, file: String)
        throws(InputError) -> YAMLNode?
    {
        struct Open {
            var isMapping: Bool
            var items: [YAMLNode]
            var line: Int
            var column: Int
        }
        var stack: [Open] = []
        var root: YAMLNode?
        var documents = 0

        func attach(_ node: YAMLNode) {
            if stack.isEmpty { root = node } else { stack[stack.count - 1].items.append(node) }
        }

        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(parser, &event) == 1 else { throw syntaxError(parser.pointee, text: text, file: file) }
            defer { yaml_event_delete(&event) }
            let line = event.start_mark.line + 1
            let column = event.start_mark.column + 1
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return root
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    throw InputError(
                        file: file, line: line, column: column,
                        message: "a second YAML document; expected one routine per file")
                }
            case YAML_ALIAS_EVENT:
                throw InputError(
                    file: file, line: line, column: column,
                    message: "YAML aliases (*name) are not supported in routine files; write the value out")
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                attach(
                    YAMLNode(
                        value: .scalar(text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE), line: line,
                        column: column))
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard stack.count < deepestNesting else { throw tooDeep(file: file, line: line, column: column) }
                stack.append(Open(isMapping: event.type == YAML_MAPPING_START_EVENT, items: [], line: line, column: column))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let open = stack.removeLast()
                let value: YAMLNode.Value
                if open.isMapping {
                    value = .mapping(
                        stride(from: 0, to: open.items.count - 1, by: 2).map { (open.items[$0], open.items[$0 + 1]) })
                } else {
                    value = .sequence(open.items)
                }
                attach(YAMLNode(value: value, line: open.line, column: open.column))
            default:
                break
            }
        }
    }

    /// The deepest nesting of lists and mappings a routine file may have; a
    /// routine needs four. Deeper trees are refused before they are built.
    static let deepestNesting = 32

    private static func tooDeep(file: String, line: Int, column: Int) -> InputError {
        InputError(
            file: file, line: line, column: column,
            message: "lists and mappings nested over \(deepestNesting) deep; a routine needs at most 4")
    }

    /// Refuses flow collections nested deeper than `deepestNesting` before
    /// libyaml sees them: its scanner takes time quadratic in the depth, so a
    /// file of a million `[` would not finish. Quoted text and comments are
    /// skipped, as YAML reads them.
    private static func checkNesting(_ text: String, file: String) throws(InputError) {
        var depth = 0
        var line = 1
        var column = 0
        var quote: UInt8?
        var comment = false
        var previous: UInt8 = 0x0A
        for byte in text.utf8 {
            column += 1
            defer { previous = byte }
            if byte == 0x0A {
                (line, column, comment) = (line + 1, 0, false)
                continue
            }
            if comment { continue }
            if let open = quote {
                // A double quote ends unless escaped; '' inside single quotes reads as a quote
                // and toggles twice, which leaves the state right.
                if byte == open && !(open == UInt8(ascii: "\"") && previous == UInt8(ascii: "\\")) { quote = nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = byte
            case UInt8(ascii: "#") where previous == 0x20 || previous == 0x09 || previous == 0x0A: comment = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > deepestNesting { throw tooDeep(file: file, line: line, column: column) }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
        }
    }

    private static func syntaxError(_ parser: yaml_parser_t, text: String, file: String) -> InputError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unreadable YAML"
        let context = parser.context.map { " \(String(cString: $0))" } ?? ""
        var (line, column) = (parser.problem_mark.line + 1, parser.problem_mark.column + 1)
        if parser.error == YAML_READER_ERROR {
            // Reader errors (bad characters) come with a byte offset, not a mark.
            (line, column) = position(ofByte: parser.problem_offset, in: text)
        }
        return InputError(file: file, line: line, column: column, message: "YAML syntax: \(problem)\(context)")
    }

    /// The 1-based line and column (in characters) of a byte offset.
    private static func position(ofByte offset: Int, in text: String) -> (Int, Int) {
        let before = text.utf8.prefix(offset)
        let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        let lineStart = before.lastIndex(of: 0x0A).map { before.index(after: $0) } ?? before.startIndex
        return (line, String(decoding: before[lineStart...], as: UTF8.self).unicodeScalars.count + 1)
    }
}

extension YAMLNode {
    /// The text of a scalar.
    public var text: String? {
        if case .scalar(let text, _) = value { return text }
        return nil
    }

    /// Whether this is YAML's null: an empty plain value, `~` or `null`.
    public var isNull: Bool {
        guard case .scalar(let text, true) = value else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// A plain scalar read as a whole number (`30`, `-2`, `+4`).
    public var integer: Int? {
        guard case .scalar(let text, true) = value else { return nil }
        return Int(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }

    /// A plain scalar read as a finite number (`30`, `2.5`, `1e1`).
    public var number: Double? {
        guard case .scalar(let text, true) = value,
            text.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }),
            let number = Double(text), number.isFinite
        else { return nil }
        return number
    }

    /// How the node reads in an error message: `'text'`, `a list`, `a mapping`.
    public var described: String {
        switch value {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let text, _) where isNull && !text.isEmpty:
            // `device: null` reads as no value at all in YAML.
            "YAML's null ('\(text.escapingControlCharacters)'; quote it for the text: \"\(text.escapingControlCharacters)\")"
        case .scalar(let text, _):
            isNull || text.isEmpty ? "an empty value" : "'\(String(text.prefix(40)).escapingControlCharacters)'"
        }
    }
}

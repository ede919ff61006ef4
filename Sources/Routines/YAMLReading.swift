/// Checked reading of a YAML file's values: each problem is an `InputError`
/// at the node's line and column, saying what was found and what was expected.
/// Routine, config and state readers share these.
public protocol YAMLReading {
    /// The file the nodes come from, for error messages.
    var file: String { get }
}

/// A mapping's values by key, its unknown and repeated keys already refused.
public struct YAMLFields {
    public var pairs: [(key: YAMLNode, value: YAMLNode)]
    /// The mapping itself, where a missing key is reported.
    public var owner: YAMLNode
    let file: String

    public subscript(key: String) -> YAMLNode? { pairs.first { $0.key.text == key }?.value }

    /// The value of `key`, which `what` needs.
    public func required(_ key: String, in what: String) throws(InputError) -> YAMLNode {
        guard let value = self[key] else {
            throw InputError(at: SourceLocation(file: file, line: owner.line, column: owner.column), "\(what) needs `\(key)`")
        }
        return value
    }
}

extension YAMLReading {
    public func text(_ node: YAMLNode) throws(InputError) -> String {
        guard let text = node.text, !node.isNull, text.contains(where: { !$0.isWhitespace }) else {
            throw error(at: node, "expected text, found \(node.described)")
        }
        return text
    }

    public func integer(_ node: YAMLNode, in range: ClosedRange<Int>, what: String) throws(InputError) -> Int {
        let expected = "\(range.lowerBound) to \(range.upperBound)"
        guard let value = node.integer else {
            throw error(at: node, "\(what) must be a whole number from \(expected); found \(node.described)")
        }
        guard range.contains(value) else {
            throw error(at: node, "\(what) of \(value) is out of range; expected \(expected)")
        }
        return value
    }

    public func seconds(_ node: YAMLNode, in range: ClosedRange<Double>, what: String) throws(InputError) -> Double {
        let expected = "\(range.lowerBound.formatted) to \(range.upperBound.formatted) seconds"
        guard let value = node.number else {
            throw error(at: node, "\(what) must be a number of seconds, \(expected); found \(node.described)")
        }
        guard range.contains(value) else {
            throw error(at: node, "\(what) of \(value.formatted) s is out of range; expected \(expected)")
        }
        return value
    }

    /// A number in `range`, for values that are not seconds (decibels, a pace).
    public func number(_ node: YAMLNode, in range: ClosedRange<Double>, what: String) throws(InputError) -> Double {
        let expected = "\(range.lowerBound.formatted) to \(range.upperBound.formatted)"
        guard let value = node.number else {
            throw error(at: node, "\(what) must be a number from \(expected); found \(node.described)")
        }
        guard range.contains(value) else {
            throw error(at: node, "\(what) of \(value.formatted) is out of range; expected \(expected)")
        }
        return value
    }

    /// `true` or `false`.
    public func flag(_ node: YAMLNode, what: String) throws(InputError) -> Bool {
        guard case .scalar(let text, true) = node.value, ["true", "false"].contains(text) else {
            throw error(at: node, "\(what) must be true or false; found \(node.described)")
        }
        return text == "true"
    }

    /// A list, each item read by `item`.
    public func list<Item>(_ node: YAMLNode, what: String, _ item: (YAMLNode) throws(InputError) -> Item)
        throws(InputError) -> [Item]
    {
        guard case .sequence(let nodes) = node.value else {
            throw error(at: node, "\(what) must be a list, found \(node.described)")
        }
        var items: [Item] = []
        for node in nodes { items.append(try item(node)) }
        return items
    }

    /// A mapping whose keys are all among `keys`, each at most once.
    public func mapping(_ node: YAMLNode, what: String, keys: [String]) throws(InputError) -> YAMLFields {
        try mapping(node, what: what) { name in
            keys.contains(name) ? nil : "expected one of: \(keys.joined(separator: ", "))"
        }
    }

    /// A mapping whose keys are each at most once and each accepted by
    /// `check` (which returns what was expected instead, or `nil`).
    public func mapping(_ node: YAMLNode, what: String, check: (String) -> String?) throws(InputError) -> YAMLFields {
        guard case .mapping(let pairs) = node.value else {
            throw error(at: node, "expected \(what) (a mapping of keys to values), found \(node.described)")
        }
        var seen: Set<String> = []
        for (key, _) in pairs {
            guard let name = key.text else { throw error(at: key, "a key must be text, found \(key.described)") }
            if let expected = check(name) { throw error(at: key, "unknown key \(key.described) in \(what); \(expected)") }
            guard seen.insert(name).inserted else {
                throw error(at: key, "key '\(name.escapingControlCharacters)' appears twice; expected it once")
            }
        }
        return YAMLFields(pairs: pairs, owner: node, file: file)
    }

    public func location(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(file: file, line: node.line, column: node.column)
    }

    public func error(at node: YAMLNode, _ message: String) -> InputError {
        InputError(at: location(node), message)
    }
}

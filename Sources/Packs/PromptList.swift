import Routines
import SystemCalls

/// The prompts of a voice: a text file of `ID | words` lines (`#` starts a
/// comment line), as `Sounds/voice/prompts.txt` lists the built-in voice's.
/// `packs speak` and `packs record` make a voice pack from one.
public struct PromptList: Sendable {
    public struct Prompt: Equatable, Sendable {
        /// The prompt's id, a pack key (`pose.cobra`).
        public var id: String
        /// The words spoken.
        public var words: String
    }

    public let file: String
    public let prompts: [Prompt]

    /// The prompts `prompts`, as if read from `file`.
    public init(file: String, prompts: [Prompt]) {
        self.file = file
        self.prompts = prompts
    }

    /// The longest list read: far more than any voice has.
    static let sizeLimit = 1 << 20

    /// Reads `file`: one line that is not `ID | words` (with an id a pack
    /// may use, and some words), or an id given twice, is refused with its
    /// place.
    public init(file: String) throws(InputError) {
        let bytes: [UInt8]
        do {
            bytes = try Files.read(file, limit: Self.sizeLimit)
        } catch {
            throw InputError(file: file, message: "\(error.reason); expected a list of prompts, one \"ID | words\" per line")
        }
        var prompts: [Prompt] = []
        var seen: Set<String> = []
        for (index, line) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            guard let bar = line.firstIndex(of: "|") else {
                throw InputError(file: file, line: index + 1, column: 1, message: "no '|' in this line; expected \"ID | words\"")
            }
            let id = String(line[..<bar]).trimmingSpaces
            let words = String(line[line.index(after: bar)...]).trimmingSpaces
            guard Pack.isKey(id) else {
                throw InputError(
                    file: file, line: index + 1, column: 1,
                    message: "'\(id.escapingControlCharacters)' cannot name a prompt; expected lower-case letters, digits, '.', '-' and '_'")
            }
            guard !words.isEmpty else {
                throw InputError(file: file, line: index + 1, column: line.distance(from: line.startIndex, to: bar) + 2, message: "no words for '\(id)'; expected the words to speak after the '|'")
            }
            guard seen.insert(id).inserted else {
                throw InputError(file: file, line: index + 1, column: 1, message: "'\(id)' is listed twice; expected each prompt once")
            }
            prompts.append(Prompt(id: id, words: words))
        }
        self.file = file
        self.prompts = prompts
    }
}

extension String {
    /// The string without spaces and tabs at either end.
    var trimmingSpaces: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        return String(drop(while: blank).reversed().drop(while: blank).reversed())
    }
}

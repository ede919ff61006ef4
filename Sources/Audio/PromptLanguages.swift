import Packs
import Routines
import SystemCalls

/// The prompts a session would take in another language than it speaks.
///
/// A session speaks the language of the first of its packs that states one
/// (`language:` in its `pack.yaml`). A prompt that pack lacks comes from
/// the next pack of the chain that has it, else from the voice folder,
/// whatever their language: a German pack without `round.3` has the
/// built-in voice say "Round three" in English. Languages are compared by
/// their first subtag, so `en-GB` and `en` are one language; a pack (or
/// voice folder) that states no language is never counted as another.
public struct PromptLanguages: Sendable {
    /// The prompts taken from one pack, or the voice folder, of another language.
    public struct Source: Equatable, Sendable {
        /// `pack 'NAME'`, or the name given to the voice folder.
        public var name: String
        public var manifest: String
        public var language: String
        /// In the order they were asked for.
        public var prompts: [String]
    }

    /// The language the session speaks and the pack that says so; `nil`
    /// when no pack of the chain states one.
    public let language: String?
    public let speaker: Pack?
    /// Every source of another language a prompt would come from, in the order first met.
    public let sources: [Source]

    /// Where each of `prompts` (voice prompt ids) would come from in a
    /// session with `chain` and the voice folder `voiceFolder` (called
    /// `voiceName` in messages).
    public init(prompts: [String], chain: PackChain, voiceFolder: String, voiceName: String = "the built-in voice") {
        speaker = chain.packs.first { $0.language != nil }
        language = speaker?.language
        guard let language else {
            sources = []
            return
        }
        let voice = try? Pack.load(folder: voiceFolder)
        var sources: [Source] = []
        var seen = Set<String>()
        for prompt in prompts where seen.insert(prompt).inserted {
            let source: Source
            if let (_, pack) = chain.entry(prompt) {
                guard let other = pack.language else { continue }
                source = Source(name: "pack '\(pack.name)'", manifest: pack.manifest, language: other, prompts: [prompt])
            } else if let voice, let other = voice.language, SoundBank.find(prompt, in: voiceFolder) != nil {
                source = Source(name: voiceName, manifest: voice.manifest, language: other, prompts: [prompt])
            } else {
                continue
            }
            guard !Self.same(source.language, language) else { continue }
            if let index = sources.firstIndex(where: { $0.manifest == source.manifest }) {
                sources[index].prompts.append(prompt)
            } else {
                sources.append(source)
            }
        }
        self.sources = sources
    }

    /// Whether two BCP-47 tags name one language (`en-GB` and `en` do).
    static func same(_ a: String, _ b: String) -> Bool {
        func primary(_ tag: String) -> String { String(tag.split(separator: "-").first ?? "").lowercased() }
        return primary(a) == primary(b)
    }

    /// One line for each source: `MANIFEST: a session of ROUTINE would take
    /// N prompts from SOURCE (ITS MANIFEST), which speaks en, not de: ...`.
    public func problems(session: String) -> [String] {
        guard let language, let speaker else { return [] }
        return sources.map { source in
            "\(speaker.manifest): \(session) would take \(Self.count(source.prompts)) from \(source.name) "
                + "(\(source.manifest)), which speaks \(source.language), not \(language): "
                + "\(source.prompts.joined(separator: ", ")); expected each in the pack, or in a pack of \(language) it inherits"
        }
    }

    /// One line for every source together, for a session about to play.
    public var warning: String? {
        guard let language, let speaker, !sources.isEmpty else { return nil }
        let taken = sources.map { "\(Self.count($0.prompts)) from \($0.name) (\($0.language)): \($0.prompts.joined(separator: ", "))" }
        return "the session speaks \(language) (pack '\(speaker.name)') but takes \(taken.joined(separator: "; "))"
    }

    private static func count(_ prompts: [String]) -> String { "\(prompts.count) prompt\(prompts.count == 1 ? "" : "s")" }
}

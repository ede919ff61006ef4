import Audio
import Output
import PackTools
import Packs
import Routines
import SystemCalls

/// Writes a voice pack made by a program (`packs speak`, `packs record`)
/// from a list of prompts: one `ID.wav` per prompt (24 kHz mono 16-bit),
/// then `loudness.yaml`, then `pack.yaml` last, each file replaced whole, so
/// a pack stopped half way holds every take finished and a manifest that
/// names only files that exist.
struct VoicePackWriter {
    /// Which command makes the pack: its first manifest line says so, and
    /// only that command writes into the pack again.
    enum Maker: String {
        case speak, record
        var marker: String { "# Made by `stretchcue packs \(rawValue)`: run it again to remake any prompt." }
    }

    let folder: String
    let list: PromptList
    let maker: Maker
    var name: String
    var author: String?
    var license: String
    var language: String?
    private var cache: LoudnessCache

    /// Opens `folder` for `maker`: a new folder, a pack the same command
    /// made, or (for `speak`) a folder that holds nothing but the list's
    /// `ID.wav` files and lists (the built-in voice folder). Anything else
    /// is refused, so nobody's own files are written over.
    init(folder: String, list: PromptList, maker: Maker, name: String, author: String?, license: String, language: String?)
        throws(Failure)
    {
        self.folder = folder
        self.list = list
        self.maker = maker
        self.name = name
        self.author = author
        self.license = license
        self.language = language
        if Files.exists(folder) {
            try Self.checkOurs(folder, list: list, maker: maker)
        } else {
            do {
                try Files.makeFolder(folder)
            } catch {
                throw Failure("stretchcue: cannot make the pack's folder: \(error)", .outputFailed)
            }
        }
        cache = LoudnessCache(folder: folder)
    }

    private static func checkOurs(_ folder: String, list: PromptList, maker: Maker) throws(Failure) {
        let manifest = folder + "/pack.yaml"
        if Files.exists(manifest) {
            let first = (try? Files.read(manifest, limit: 1 << 20)).map { String(decoding: $0, as: UTF8.self) }?
                .split(separator: "\n").first.map(String.init)
            guard first == maker.marker else {
                throw Failure(
                    "stretchcue: \(manifest): this pack was not made by `stretchcue packs \(maker.rawValue)`; expected a new folder, so no file of yours is written over",
                    .outputFailed)
            }
            return
        }
        let names = (try? Files.names(in: folder)) ?? []
        switch maker {
        case .speak:
            let ours = Set(list.prompts.map { "\($0.id).wav" }).union(["prompts.txt", "loudness.yaml", "README.md"])
            if let foreign = names.first(where: { !ours.contains($0) }) {
                throw Failure(
                    "stretchcue: \(folder) holds \(foreign), which is not one of the list's prompts; expected a new folder or a pack made by `stretchcue packs speak`",
                    .outputFailed)
            }
        case .record:
            guard names.isEmpty else {
                throw Failure("stretchcue: \(folder) exists and is not a pack made by `stretchcue packs record`; expected a new folder", .outputFailed)
            }
        }
    }

    /// The path of a prompt's take.
    func path(of id: String) -> String { "\(folder)/\(id).wav" }

    /// Writes `take` (mono at `VoiceTake.rate`) as the prompt `id`'s file, and notes its loudness.
    mutating func write(_ take: Sound, for id: String) throws(Failure) {
        let path = path(of: id)
        try Self.write(take, to: path)
        if let loudness = try? Loudness(of: take, rate: VoiceTake.rate) {
            cache.set(loudness.integrated, peak: loudness.peak, of: path)
        }
    }

    /// Writes `take` (mono at `VoiceTake.rate`) to the WAV file `path`, replacing it whole.
    static func write(_ take: Sound, to path: String) throws(Failure) {
        do {
            try take.write(to: path, sampleRate: VoiceTake.rate)
        } catch {
            throw Failure("stretchcue: cannot write \(path): \(error)", .outputFailed)
        }
    }

    /// Writes `loudness.yaml`, then `pack.yaml` naming every prompt of the list that has a take.
    mutating func finish() throws(Failure) {
        var lines = [
            maker.marker,
            "format: 1",
            "name: \(name.jsonQuoted)",
        ]
        if let author { lines.append("author: \(author.jsonQuoted)") }
        lines.append("license: \(license.jsonQuoted)")
        if let language { lines.append("language: \(language.jsonQuoted)") }
        lines.append("sounds:")
        for prompt in list.prompts where Files.exists(path(of: prompt.id)) {
            if cache.measure(of: path(of: prompt.id)) == nil, let measure = try? Loudness(ofFile: path(of: prompt.id)) {
                cache.set(measure.integrated, peak: measure.peak, of: path(of: prompt.id))
            }
            lines.append("  \(prompt.id): {file: \"\(prompt.id).wav\", text: \(prompt.words.jsonQuoted)}")
        }
        do {
            try cache.save()
            try Files.replace(folder + "/pack.yaml", with: Array((lines.joined(separator: "\n") + "\n").utf8))
        } catch {
            throw Failure("stretchcue: cannot write the pack: \(error)", .outputFailed)
        }
    }
}

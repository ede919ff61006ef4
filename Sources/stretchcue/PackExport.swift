import Audio
import Output
import Packs
import Routines
import SystemCalls
import Timing

/// The built-in sounds written out as a pack (`stretchcue packs export`).
enum PackExport {
    /// Writes the chimes, the earcons and the voice of `voice` into the new `folder`, with a pack.yaml naming them.
    static func write(to folder: String, name: String, voice: String) throws {
        try Files.makeFolder(folder + "/chimes")
        try Files.makeFolder(folder + "/voice")
        try Files.makeFolder(folder + "/earcons")
        var lines = [
            "# Stretchcue's built-in sounds as a pack: replace any file with your own,",
            "# remove the entries you keep built in, and check it: stretchcue packs check FOLDER",
            "format: 1",
            "name: \(name.jsonQuoted)",
            "author: Stretchcue",
            "license: CC0-1.0",
            "description: \"The chimes as synthesized, and the voice spoken by festival's cmu_us_slt_arctic_hts.\"",
            "language: en",
            "sounds:",
        ]
        for kind in CueKind.allCases where !kind.isStretched {
            try Chimes.sound(for: kind, rate: 48_000).write(to: folder + "/chimes/\(kind.rawValue).wav", sampleRate: 48_000)
            lines.append("  \(kind.rawValue): chimes/\(kind.rawValue).wav")
        }
        for earcon in Earcon.allCases {
            try earcon.sound(rate: 48_000).write(to: folder + "/earcons/\(earcon.key).wav", sampleRate: 48_000)
            lines.append("  \(earcon.key): earcons/\(earcon.key).wav")
        }
        for (id, words) in try PromptList(file: voice + "/prompts.txt").prompts.map({ ($0.id, $0.words) }) {
            guard let file = PromptRef.fileExtensions.lazy.map({ "\(id).\($0)" }).first(where: { Files.exists(voice + "/" + $0) })
            else { continue }
            try Files.replace(folder + "/voice/" + file, with: try Files.read(voice + "/" + file, limit: 50 << 20))
            lines.append("  \(id): {file: \("voice/\(file)".jsonQuoted), text: \(words.jsonQuoted)}")
        }
        try Files.replace(folder + "/pack.yaml", with: Array((lines.joined(separator: "\n") + "\n").utf8))
    }
}

import Glibc
import Packs
import Routines
import SystemCalls
import Synchronization
import Timing

/// Finds and makes every sound a session needs, at the session rate:
/// synthesized or pack chimes, breathing tones, and spoken prompts from the
/// packs, the voice folder or the routine's own files.
///
/// A sound is looked for in the packs of the chain first (the first that has
/// it wins, with its variants), then in the chime or voice folder, then
/// among the built-in sounds. A pack's sound plays matched in loudness (EBU
/// R128) to the built-in sound of its kind (a voice prompt to -20 LUFS),
/// with the pack's and the file's own gain on top, never beyond -1 dBFS.
///
/// Lengths come from file headers and recipes, so a session can be planned
/// without decoding or synthesizing anything; a sound with variants is as
/// long as its longest. The bank keeps no audio: the mixer decides what
/// stays in memory. It may be used from several threads: what it has looked
/// up is kept under a mutex.
public final class SoundBank: SoundLengths, Sendable {
    /// Frames per second of every sound the bank gives.
    public let sampleRate: Int
    /// The folder voice-pack prompt ids are looked up in after the packs.
    public let voiceFolder: String
    /// A chime folder: `KIND.wav` (`chime.start.wav`, ...) files that replace the built-in sounds.
    public let chimeFolder: String?
    /// The packs sounds are looked for in first.
    public let packs: PackChain
    /// Chooses among a pack sound's variants, with each cue's place.
    public let seed: UInt64

    /// The files found for each prompt (by its source) and each chime kind.
    private let found = Mutex<[PromptRef.Source: [FileSound]]>([:])
    private let foundChimes: [CueKind: [FileSound]]
    /// The packs' ambient sound (its first variant), matched to `Ambient.loudnessTarget`.
    private let ambientFile: FileSound?
    /// The packs' key earcons (each entry's first variant), matched in peak to the built-in ones.
    private let earconFiles: [Earcon: FileSound]
    /// What the packs' loudness caches say, and what was measured since.
    private let loudness: PackLoudness
    /// Files being read part by part, open between parts.
    private let readers = Mutex(OpenReaders())

    /// Finds the chime folder's files and every pack chime, checking their
    /// headers, so a broken pack or folder is refused before anything plays;
    /// the packs' earcons too, unless `earcons` is false (a session that
    /// answers no key: each then sounds built in).
    public init(
        sampleRate: Int, voiceFolder: String, chimeFolder: String? = nil, packs: PackChain = .none, seed: UInt64 = 0,
        earcons answersKeys: Bool = true
    ) throws(SoundError) {
        self.sampleRate = sampleRate
        self.voiceFolder = voiceFolder
        self.chimeFolder = chimeFolder
        self.packs = packs
        self.seed = seed
        let loudness = PackLoudness(packs)
        self.loudness = loudness
        var chimes: [CueKind: [FileSound]] = [:]
        let folderFiles = try chimeFolder.map(Self.readChimeFolder) ?? [:]
        for kind in CueKind.allCases where !kind.isStretched {
            if let sounds = try Self.packSounds(kind.rawValue, packs: packs, loudness: loudness) {
                chimes[kind] = sounds
            } else if let file = folderFiles[kind] {
                chimes[kind] = [file]
            }
        }
        foundChimes = chimes
        var earcons: [Earcon: FileSound] = [:]
        for earcon in answersKeys ? Earcon.allCases : [] {
            guard let file = try Self.packSounds(earcon.key, packs: packs, loudness: loudness)?.first else { continue }
            let seconds = Double(file.info.frames) / Double(file.info.sampleRate)
            guard seconds <= Earcon.longestSeconds else {
                throw SoundError(
                    file: file.path,
                    message: "an earcon of \(seconds.fixed(2)) s is too long to answer a key; expected \(Earcon.longestSeconds.formatted) s or less",
                    requestedAt: packs.entry(earcon.key)?.entry.variants.first?.location)
            }
            earcons[earcon] = file
        }
        earconFiles = earcons
        let ambient = try Self.packSounds(Layer.ambient.rawValue, packs: packs, loudness: loudness)?.first
        if let ambient, ambient.info.frames(atRate: sampleRate) < Int64(Ambient.shortestSeconds * Double(sampleRate)) {
            let seconds = Double(ambient.info.frames(atRate: sampleRate)) / Double(sampleRate)
            throw SoundError(
                file: ambient.path,
                message: "an ambient sound of \(seconds.fixed(2)) s is too short to loop; expected \(Int(Ambient.shortestSeconds)) s or more")
        }
        ambientFile = ambient
    }

    private static func readChimeFolder(_ folder: String) throws(SoundError) -> [CueKind: FileSound] {
        guard Files.kind(of: folder) == .directory else {
            throw SoundError(file: folder, message: "no such folder; expected a chime pack folder of KIND.wav files")
        }
        var files: [CueKind: FileSound] = [:]
        for kind in CueKind.allCases where !kind.isStretched {
            if let path = find(kind.rawValue, in: folder) { files[kind] = FileSound(path: path, info: try SoundFile.info(path), gain: 0) }
        }
        return files
    }

    // MARK: Checks

    /// Decodes, start to end, every coded file (`SoundFile.Info.isCoded`)
    /// `timeline` plays, so that a broken frame refuses the session before
    /// it starts rather than playing as silence in its middle. Throws one
    /// line naming the routine's or the pack's line that brought the file.
    public func checkDecoding(of timeline: Timeline) throws(InputError) {
        var checked = Set<String>()
        func check(_ file: FileSound, what: String, from location: SourceLocation?) throws(InputError) {
            guard file.info.isCoded, checked.insert(file.path).inserted else { return }
            do {
                try SoundFile.decodeWhole(file.path, beneath: file.packFolder)
            } catch {
                let message = "the \(what) '\(Files.lastPart(file.path).escapingControlCharacters)' \(error.message)"
                guard let location = file.manifestLine ?? location else { throw InputError(file: file.path, message: error.message) }
                throw InputError(at: location, message)
            }
        }
        var kinds = Set<CueKind>()
        var prompts = Set<PromptRef.Source>()
        for cue in timeline.cues {
            if let prompt = cue.prompt, prompts.insert(prompt.source).inserted {
                let files: [FileSound]
                do { files = try variants(of: prompt) } catch { throw InputError(file: error.file, message: error.message) }
                for file in files { try check(file, what: "prompt", from: prompt.location) }
            } else if cue.prompt == nil, kinds.insert(cue.kind).inserted {
                for file in foundChimes[cue.kind] ?? [] { try check(file, what: "sound", from: nil) }
            }
        }
        if let ambientFile { try check(ambientFile, what: "ambient sound", from: nil) }
    }

    // MARK: Lengths

    public func frames(of prompt: PromptRef) throws -> Int64 {
        try variants(of: prompt).map { $0.info.frames(atRate: sampleRate) }.max() ?? 0
    }

    public func frames(of kind: CueKind) -> Int64 {
        foundChimes[kind].flatMap { $0.map { $0.info.frames(atRate: sampleRate) }.max() }
            ?? Int64(Chimes.frames(for: kind, rate: sampleRate))
    }

    /// The length of one variant of a chime kind's sound.
    public func frames(of kind: CueKind, variant: Int) -> Int64 {
        foundChimes[kind].map { $0[min(variant, $0.count - 1)].info.frames(atRate: sampleRate) }
            ?? Int64(Chimes.frames(for: kind, rate: sampleRate))
    }

    // MARK: Variants

    /// The variant of `prompt` to play at its `occurrence`th place in the session (0 without variants).
    public func variant(of prompt: PromptRef, occurrence: Int) -> Int {
        guard case .voice(let id) = prompt.source, let (entry, _) = packs.entry(id) else { return 0 }
        return entry.variant(key: id, occurrence: occurrence, seed: seed)
    }

    /// The variant of a chime to play at its `occurrence`th place (0 without variants).
    public func variant(of kind: CueKind, occurrence: Int) -> Int {
        guard foundChimes[kind] != nil, let (entry, _) = packs.entry(kind.rawValue) else { return 0 }
        return entry.variant(key: kind.rawValue, occurrence: occurrence, seed: seed)
    }

    // MARK: Sounds

    // Each sound can be made whole or as a part: the frames of `part` of
    // it, exactly as they are in the whole made part by part.

    /// The sound of a fixed-length cue: the pack's or chime folder's file
    /// when there is one, the built-in synthesized sound otherwise.
    public func sound(for kind: CueKind, variant: Int = 0, part: Range<Int64>? = nil) throws(SoundError) -> Sound {
        guard let sounds = foundChimes[kind] else {
            return Chimes.sound(for: kind, rate: sampleRate, part: part.map { Int($0.lowerBound)..<Int($0.upperBound) })
        }
        return try load(sounds[min(variant, sounds.count - 1)], part: part)
    }

    /// A breathing tone exactly `frames` long; `joined`: its inhale and
    /// exhale meet with no hold between (see `BreathTones`).
    public func breathSound(_ kind: CueKind, frames: Int64, joined: Bool, part: Range<Int64>? = nil) -> Sound {
        BreathTones.sound(
            for: kind, frames: Int(frames), rate: sampleRate, joined: joined,
            part: part.map { Int($0.lowerBound)..<Int($0.upperBound) })
    }

    /// A spoken prompt, decoded and resampled to the session rate, with short
    /// fades on both ends.
    public func prompt(_ prompt: PromptRef, variant: Int = 0, part: Range<Int64>? = nil) throws(SoundError) -> Sound {
        let sounds = try variants(of: prompt)
        return try load(sounds[min(variant, sounds.count - 1)], part: part)
    }

    /// The ambient layer's loop: the packs' `ambient` sound, else the
    /// built-in soft noise when `builtIn`; `nil` for none.
    public func ambientLoop(builtIn: Bool) -> AmbientLoop? {
        if let ambientFile {
            return AmbientLoop(source: .file(ambientFile), rawFrames: ambientFile.info.frames(atRate: sampleRate), rate: sampleRate)
        }
        guard builtIn else { return nil }
        return AmbientLoop(source: .noise, rawFrames: Int64(Ambient.noiseSeconds * Double(sampleRate)), rate: sampleRate)
    }

    /// The frames `part` of one copy of `loop`.
    public func ambientSound(_ loop: AmbientLoop, part: Range<Int64>) throws(SoundError) -> Sound {
        switch loop.source {
        case .file(let file): try loop.sound(part: part) { range throws(SoundError) in try load(file, part: range) }
        case .noise: try loop.sound(part: part) { range in SoftNoise.sound(range) }
        }
    }

    /// The sound that answers a key: the packs' `earcon.NAME` file when
    /// there is one, the built-in earcon otherwise.
    public func earcon(_ earcon: Earcon) throws(SoundError) -> Sound {
        guard let file = earconFiles[earcon] else { return earcon.sound(rate: sampleRate) }
        return try load(file, part: nil)
    }

    /// `prompts` spoken one after another, mono, with `gap` seconds between
    /// them. A prompt that cannot be had is left out: a spoken status with a
    /// word missing beats none at all.
    public func speech(_ prompts: [PromptRef], gap: Double = 0.12) -> Sound {
        let pause = [Int16](repeating: 0, count: Int(gap * Double(sampleRate)))
        var samples: [Int16] = []
        for prompt in prompts {
            guard let sound = try? self.prompt(prompt) else { continue }
            if !samples.isEmpty { samples += pause }
            if sound.channels == 1 {
                samples += sound.samples
            } else {
                samples += stride(from: 0, to: sound.samples.count, by: 2).map { sound.samples[$0] }
            }
        }
        return Sound(channels: 1, samples: samples)
    }

    private func load(_ file: FileSound, part: Range<Int64>?) throws(SoundError) -> Sound {
        let total = file.info.frames(atRate: sampleRate)
        let part = (part ?? 0..<total).clamped(to: 0..<total)
        // The file's reader, kept open if this part is not its last.
        let reader: SoundReader
        if let open = readers.withLock({ $0.take(file.path) }) {
            reader = open
        } else {
            reader = try SoundReader(file.path, rate: sampleRate, beneath: file.packFolder)
            // Parts of another sound would not make up this one: it cannot be had whole.
            guard reader.info == file.info else {
                throw SoundError(
                    file: file.path,
                    message: "changed since the session began (now \(reader.info.frames) frames at \(reader.info.sampleRate) Hz, "
                        + "\(reader.info.channels) channels); expected the sound it was then")
            }
        }
        // A file that starts from silence keeps its attack whole (a struck
        // bell's peak comes in its first millisecond); one that starts on a
        // sample would click, and rises as a built-in chime's strike does.
        let rise = Fade.frames(milliseconds: Chimes.Strikes.attackSeconds * 1000, rate: sampleRate)
        var rises = false
        if part.lowerBound < rise { rises = try reader.firstFrameLevel() * Float(decibels: file.gain) > Self.silentStart }
        var sound = try reader.read(part)
        if part.upperBound < total { readers.withLock { $0.keep(reader) } }
        let edge = Fade.frames(milliseconds: 8, rate: sampleRate)
        sound.fade(in: rises ? rise : 0, out: edge, asPart: part, of: total)
        if file.gain != 0 { sound.scale(by: Float(decibels: file.gain)) }
        return sound
    }

    /// The loudest first sample (of full scale, at the gain it plays at) a
    /// file may start on and still need no fade-in: -60 dBFS, a step nobody hears.
    static let silentStart: Float = 0.001

    // MARK: Where sounds come from

    /// Where the sound of a cue kind comes from, in a few words (for `-v`):
    /// a pack and its files, the chime folder's file, or built in.
    public func origin(of kind: CueKind) -> String {
        if kind.isStretched { return "built in (made to the breath's length)" }
        if let fromPack = packOrigin(kind.rawValue) { return fromPack }
        return foundChimes[kind]?.first.map { "chime folder, \($0.path)" } ?? "built in"
    }

    /// Where a prompt comes from: a pack and its files, the voice folder's file, or the routine's own file.
    public func origin(of prompt: PromptRef) -> String {
        switch prompt.source {
        case .file(let path): return "the routine's file, \(path)"
        case .voice(let id):
            if let fromPack = packOrigin(id) { return fromPack }
            return Self.find(id, in: voiceFolder).map { "voice folder, \($0)" } ?? "missing"
        }
    }

    /// Where a key's earcon comes from.
    public func origin(of earcon: Earcon) -> String { packOrigin(earcon.key) ?? "built in" }

    /// The pack the ambient loop comes from, if one has it.
    public var ambientOrigin: String? { packOrigin(Layer.ambient.rawValue) }

    private func packOrigin(_ key: String) -> String? {
        guard let (entry, pack) = packs.entry(key) else { return nil }
        return "pack '\(pack.name)', " + entry.variants.map(\.path).joined(separator: ", ")
    }

    // MARK: Finding sounds

    /// The files a prompt names (its variants, from a pack), found once.
    public func variants(of prompt: PromptRef) throws(SoundError) -> [FileSound] {
        if let known = found.withLock({ $0[prompt.source] }) { return known }
        let sounds: [FileSound]
        do throws(SoundError) {
            switch prompt.source {
            case .file(let path):
                sounds = [FileSound(path: path, info: try SoundFile.info(path), gain: 0)]
            case .voice(let id):
                if let fromPack = try Self.packSounds(id, packs: packs, loudness: loudness) {
                    sounds = fromPack
                } else if let path = Self.find(id, in: voiceFolder) {
                    sounds = [FileSound(path: path, info: try SoundFile.info(path), gain: 0)]
                } else {
                    let shown = id.escapingControlCharacters
                    let packs = self.packs.packs.isEmpty ? "" : " nor in the packs"
                    throw SoundError(
                        file: "\(voiceFolder)/\(shown).wav",
                        message: "voice prompt '\(shown)' is not in the voice pack\(packs); expected \(shown).wav, .flac or .ogg there")
                }
            }
        } catch {
            throw SoundError(file: error.file, message: error.message, requestedAt: prompt.location ?? error.requestedAt)
        }
        found.withLock { $0[prompt.source] = sounds }
        return sounds
    }

    /// The first `NAME.EXT` in `folder` that exists, EXT taken in the order of `PromptRef.fileExtensions`.
    public static func find(_ name: String, in folder: String) -> String? {
        PromptRef.fileExtensions.lazy.map { "\(folder)/\(name).\($0)" }.first(where: Files.exists)
    }

    /// The variants of `key` in the first pack that has it, each at the
    /// gain `playingGain` gives it; `nil` when no pack has it.
    private static func packSounds(_ key: String, packs: PackChain, loudness: PackLoudness) throws(SoundError) -> [FileSound]? {
        guard let (entry, pack) = packs.entry(key) else { return nil }
        var sounds: [FileSound] = []
        for variant in entry.variants {
            let info: SoundFile.Info
            let measure: Loudness
            do throws(SoundError) {
                info = try SoundFile.info(variant.path, beneath: pack.folder)
                measure = try loudness.of(variant.path, in: pack.folder)
            } catch {
                throw SoundError(file: error.file, message: error.message, requestedAt: variant.location)
            }
            let gain = playingGain(of: key, measured: measure, channels: info.channels, adjustment: pack.gain + variant.gain)
            sounds.append(
                FileSound(path: variant.path, info: info, gain: gain.decibels, packFolder: pack.folder, manifestLine: variant.location))
        }
        return sounds
    }

    /// The gain (dB) a pack's sound for `key`, measured on `channels`
    /// channels, plays at: matched to the built-in sound of its kind (in
    /// loudness as the session's channels carry both, see
    /// `Loudness.heard(channels:)`; an earcon, too short for R128, in
    /// peak), then `adjustment` (the pack's and the entry's `gain_db`),
    /// never beyond -1 dBFS (`held` when that cut it).
    public static func playingGain(of key: String, measured: Loudness, channels: Int, adjustment: Double)
        -> (decibels: Double, held: Bool)
    {
        let matched: Double
        if key.hasPrefix(Earcon.keyPrefix) {
            matched = 20 * log10(Double(Earcon.peak)) - measured.peak
        } else {
            let target =
                key == Layer.ambient.rawValue
                ? Ambient.loudnessTarget : CueKind(rawValue: key).map(builtInLoudness) ?? Loudness.voiceTarget
            // Each target is a mono sound's measure (the built-in voice and chimes are mono), heard on both channels.
            let heard = target + Loudness.monoOnTwoChannels
            matched = measured.integrated.isFinite ? heard - measured.heard(channels: channels) : 0
        }
        let ceiling = -1 - measured.peak
        return (min(matched + adjustment, ceiling), matched + adjustment > ceiling)
    }

    /// The loudness (LUFS) of the built-in sound of a chime kind, which a
    /// pack's is matched to: measured once and written here, since measuring
    /// them all would cost a session's start 70 ms (AudioTests checks the
    /// figures against the sounds).
    public static func builtInLoudness(_ kind: CueKind) -> Double {
        switch kind {
        case .bellStart: -23.04
        case .chimeStart: -23.99
        case .chimeHalfway: -27.20
        case .tick: -41.41
        case .chimeSwitch: -23.18
        case .chimeEnd: -24.15
        case .bellEnd: -23.63
        // Stretched cues (the breathing tones) are made to length, never taken from a pack.
        case .voice, .breathInhale, .breathExhale, .breathHold: Loudness.voiceTarget
        }
    }
}

/// A sound file as the bank plays it: where, what its header says, and at what gain (dB).
public struct FileSound: Sendable {
    public var path: String
    public var info: SoundFile.Info
    public var gain: Double
    /// The folder of the pack it comes from, which it is read from through
    /// no link: a file swapped for a link out of the pack is not played.
    public var packFolder: String? = nil
    /// The line of the pack's manifest that names it.
    public var manifestLine: SourceLocation? = nil
}

/// Sound files left open between the parts read from them, the most
/// recently used last; at most `limit`, so a session that jumps about
/// never holds many.
struct OpenReaders: ~Copyable {
    static let limit = 4
    private var readers: [SoundReader] = []

    /// The open reader of `path`, taken out for one thread's use.
    mutating func take(_ path: String) -> SoundReader? {
        readers.firstIndex { $0.path == path }.map { readers.remove(at: $0) }
    }

    /// Keeps `reader` open for its next part, closing the least recently used beyond the limit.
    mutating func keep(_ reader: SoundReader) {
        readers.append(reader)
        if readers.count > Self.limit { readers.removeFirst() }
    }
}

/// The loudness of the packs' files: from each pack's cache (`LoudnessCache`),
/// else measured when first asked for and kept for the session.
final class PackLoudness: Sendable {
    private let caches: Mutex<[String: LoudnessCache]>

    init(_ packs: PackChain) {
        caches = Mutex(Dictionary(uniqueKeysWithValues: packs.packs.map { ($0.folder, LoudnessCache(folder: $0.folder)) }))
    }

    /// The loudness of `path`, a file of the pack in `folder`.
    func of(_ path: String, in folder: String) throws(SoundError) -> Loudness {
        if let cached = caches.withLock({ $0[folder]?.measure(of: path) }) {
            return Loudness(integrated: cached.loudness, peak: cached.peak)
        }
        let measure = try Loudness(ofFile: path, beneath: folder)
        caches.withLock { $0[folder]?.set(measure.integrated, peak: measure.peak, of: path) }
        return measure
    }
}

import SystemCalls
import Routines
import Synchronization
import Timing

/// Finds and makes every sound a session needs, at the session rate:
/// synthesized or chime-pack chimes, breathing tones, and spoken prompts from
/// the voice pack or the routine's own files.
///
/// Lengths come from file headers and recipes, so a session can be planned
/// without decoding or synthesizing anything. The bank keeps no audio: the
/// mixer decides what stays in memory. It may be used from several threads:
/// the headers it has read are kept under a mutex.
public final class SoundBank: SoundLengths, Sendable {
    /// Frames per second of every sound the bank gives.
    public let sampleRate: Int
    /// The folder voice-pack prompt ids are looked up in.
    public let voiceFolder: String
    /// A chime pack: a folder whose `KIND.wav` (`chime.start.wav`, ...) replace the built-in sounds.
    public let chimeFolder: String?

    private let headers = Mutex<[PromptRef.Source: (path: String, info: SoundFile.Info)]>([:])
    /// Files being read part by part, open between parts.
    private let readers = Mutex(OpenReaders())
    /// The chime pack's files, read once in `init`.
    private let packFiles: [CueKind: (path: String, info: SoundFile.Info)]


    /// Reads the headers of the chime pack's files, so a broken pack is
    /// refused before anything plays.
    public init(sampleRate: Int, voiceFolder: String, chimeFolder: String? = nil) throws(SoundError) {
        self.sampleRate = sampleRate
        self.voiceFolder = voiceFolder
        self.chimeFolder = chimeFolder
        packFiles = try chimeFolder.map(Self.readPack) ?? [:]
    }

    private static func readPack(_ folder: String) throws(SoundError) -> [CueKind: (path: String, info: SoundFile.Info)] {
        guard Files.kind(of: folder) == .directory else {
            throw SoundError(file: folder, message: "no such folder; expected a chime pack folder of KIND.wav files")
        }
        var files: [CueKind: (path: String, info: SoundFile.Info)] = [:]
        for kind in CueKind.allCases where !kind.isStretched {
            if let path = find(kind.rawValue, in: folder) { files[kind] = (path, try SoundFile.info(path)) }
        }
        return files
    }

    // MARK: Lengths

    public func frames(of prompt: PromptRef) throws -> Int64 {
        try header(of: prompt).info.frames(atRate: sampleRate)
    }

    public func frames(of kind: CueKind) -> Int64 {
        packFiles[kind]?.info.frames(atRate: sampleRate) ?? Int64(Chimes.frames(for: kind, rate: sampleRate))
    }

    // MARK: Sounds

    // Each sound can be made whole or as a part: the frames of `part` of
    // it, exactly as they are in the whole made part by part.

    /// The sound of a fixed-length cue: the chime pack's file when it has one,
    /// the built-in synthesized sound otherwise.
    public func sound(for kind: CueKind, part: Range<Int64>? = nil) throws(SoundError) -> Sound {
        guard let (path, info) = packFiles[kind] else {
            return Chimes.sound(for: kind, rate: sampleRate, part: part.map { Int($0.lowerBound)..<Int($0.upperBound) })
        }
        return try load(path, info, part: part)
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
    public func prompt(_ prompt: PromptRef, part: Range<Int64>? = nil) throws(SoundError) -> Sound {
        let (path, info) = try header(of: prompt)
        return try load(path, info, part: part)
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

    private func load(_ path: String, _ info: SoundFile.Info, part: Range<Int64>?) throws(SoundError) -> Sound {
        let total = info.frames(atRate: sampleRate)
        let part = (part ?? 0..<total).clamped(to: 0..<total)
        // The file's reader, kept open if this part is not its last.
        let reader: SoundReader
        if let open = readers.withLock({ $0.take(path) }) { reader = open } else { reader = try SoundReader(path, rate: sampleRate) }
        var sound = try reader.read(part)
        if part.upperBound < total { readers.withLock { $0.keep(reader) } }
        let edge = Fade.frames(milliseconds: 8, rate: sampleRate)
        sound.fade(in: edge, out: edge, asPart: part, of: total)
        return sound
    }

    // MARK: Finding prompts

    /// The file a prompt names and its header, read once.
    public func header(of prompt: PromptRef) throws(SoundError) -> (path: String, info: SoundFile.Info) {
        if let known = headers.withLock({ $0[prompt.source] }) { return known }
        let path: String
        switch prompt.source {
        case .file(let file):
            path = file
        case .voice(let id):
            guard let found = Self.find(id, in: voiceFolder) else {
                let shown = id.escapingControlCharacters
                throw SoundError(
                    file: "\(voiceFolder)/\(shown).wav",
                    message: "voice prompt '\(shown)' is not in the voice pack; expected \(shown).wav, .flac or .ogg there",
                    requestedAt: prompt.location)
            }
            path = found
        }
        do {
            let info = try SoundFile.info(path)
            headers.withLock { $0[prompt.source] = (path, info) }
            return (path, info)
        } catch {
            throw SoundError(file: error.file, message: error.message, requestedAt: prompt.location)
        }
    }

    /// The first `NAME.EXT` in `folder` that exists, EXT taken in the order of `PromptRef.fileExtensions`.
    static func find(_ name: String, in folder: String) -> String? {
        PromptRef.fileExtensions.lazy.map { "\(folder)/\(name).\($0)" }.first(where: Files.exists)
    }
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


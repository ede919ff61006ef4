import Audio
import Packs
import Routines
import SystemCalls
import Timing

/// What `stretchcue packs check` finds in a pack: each sound file's rate,
/// channels, length, silence at its ends, clipping and loudness with the
/// gain it will play at; and every problem, one `FILE[:LINE:COLUMN]: what is
/// wrong; what was expected` line each.
public struct PackCheck: Sendable {
    /// One sound file of the pack, as measured.
    public struct File: Sendable {
        public var key: String
        public var path: String
        public var info: SoundFile.Info
        public var loudness: Loudness
        /// Seconds of silence (below -50 dBFS) before the sound and after it.
        public var leading: Double
        public var trailing: Double
        /// No frame above -50 dBFS, or too quiet for R128 to measure: there
        /// is nothing to match to a level, and nothing to hear.
        public var silent: Bool
        /// Runs of three or more samples at full scale: clipped recording.
        public var clippedRuns: Int
        /// The gain it plays at in a session, in dB, and whether -1 dBFS held it down.
        public var gain: Double
        public var held: Bool
    }

    public var files: [File] = []
    public var problems: [String] = []
    /// Keys no cue, earcon or known prompt uses and too far from every one
    /// of them to be a typo: prompts of another routine.
    public var unknownKeys: [String] = []

    /// The keys a pack may use besides prompt ids: every cue kind's sound
    /// (but the breathing tones, made to each breath's length), every
    /// earcon, the ambient loop.
    public static let soundKeys: Set<String> =
        Set(CueKind.allCases.filter { !$0.isStretched }.map(\.rawValue))
        .union(Earcon.allCases.map(\.key)).union([Layer.ambient.rawValue])

    /// Checks `pack`: every file read and measured (the loudness written
    /// into `cache` for `--write`); `knownPrompts` are the prompt ids a
    /// session may ask for, and `needed` the keys a routine needs, which
    /// the chain (`chain`, the built-in voice in `voiceFolder` after it)
    /// must have.
    public init(
        pack: Pack, chain: PackChain, knownPrompts: Set<String>, needed: [String], voiceFolder: String,
        cache: inout LoudnessCache
    ) {
        for (key, entry) in pack.sounds.sorted(by: { $0.key < $1.key }) {
            let place = "\(pack.manifest):\(entry.location.line):\(entry.location.column)"
            if !Self.soundKeys.contains(key) && !knownPrompts.contains(key) {
                let nearest = Self.nearest(to: key, among: Self.soundKeys.union(knownPrompts))
                if key.hasPrefix("breath.") {
                    problems.append(
                        "\(place): a pack cannot bring '\(key)': the breathing tones are built in, made to each breath's length; "
                            + "expected no breath.* key")
                } else if key.hasPrefix("chime.") || key.hasPrefix("bell.") || key.hasPrefix(Earcon.keyPrefix) {
                    let guess = nearest.map { "did you mean \($0.key)? " } ?? ""
                    problems.append(
                        "\(place): no sound is called '\(key)'; \(guess)expected one of \(Self.soundKeys.sorted().joined(separator: ", "))")
                } else if let nearest, nearest.distance <= Self.typoDistance {
                    problems.append(
                        "\(place): no sound or prompt is called '\(key)'; did you mean \(nearest.key)? "
                            + "(expected a key of the built-in voice, or of the routine given with --routine)")
                } else {
                    unknownKeys.append(key)
                }
            }
            for variant in entry.variants {
                do {
                    let file = try Self.measure(variant.path, key: key, pack: pack, gain: variant.gain, cache: &cache)
                    files.append(file)
                    problems += Self.problems(of: file, at: "\(variant.location)")
                } catch {
                    problems.append("\(variant.location): \(error)")
                }
            }
        }
        for key in needed where chain.entry(key) == nil {
            let builtIn = CueKind(rawValue: key).map { _ in true } ?? (SoundBank.find(key, in: voiceFolder) != nil)
            if !builtIn {
                problems.append("\(pack.manifest): the routine needs '\(key)', which neither the packs nor the built-in voice have; expected an entry for it")
            }
        }
    }

    /// How many letters a key may be from a known one and still be taken
    /// for a typo of it; a key further from every known one is a prompt of
    /// some other routine (a pack may carry those).
    static let typoDistance = 2

    /// The key of `keys` fewest edits (letters added, removed or changed)
    /// from `key`, the first in order among equals.
    static func nearest(to key: String, among keys: Set<String>) -> (key: String, distance: Int)? {
        let word = Array(key.utf8)
        var best: (key: String, distance: Int)?
        for candidate in keys.sorted() {
            let other = Array(candidate.utf8)
            // Levenshtein distance, one row at a time.
            var row = Array(0...other.count)
            for (i, letter) in word.enumerated() {
                var next = [i + 1] + [Int](repeating: 0, count: other.count)
                for (j, otherLetter) in other.enumerated() {
                    next[j + 1] = min(row[j + 1] + 1, next[j] + 1, row[j] + (letter == otherLetter ? 0 : 1))
                }
                row = next
            }
            if best.map({ row[other.count] < $0.distance }) ?? true { best = (candidate, row[other.count]) }
        }
        return best
    }

    private static func measure(_ path: String, key: String, pack: Pack, gain: Double, cache: inout LoudnessCache) throws(SoundError) -> File {
        let info = try SoundFile.info(path, beneath: pack.folder)
        let sound = try SoundFile.read(path, rate: info.sampleRate, beneath: pack.folder)
        let loudness = try Loudness(of: sound, rate: info.sampleRate)
        cache.set(loudness.integrated, peak: loudness.peak, of: path)
        let playing = SoundBank.playingGain(of: key, measured: loudness, channels: info.channels, adjustment: pack.gain + gain)
        let quiet = Int16(32767 * 0.00316)  // -50 dBFS
        let frames = sound.frames
        let channels = sound.channels
        func loud(_ frame: Int) -> Bool { (0..<channels).contains { abs(Int(sound.samples[frame * channels + $0])) > quiet } }
        let first = (0..<frames).first(where: loud) ?? frames
        let last = (0..<frames).last(where: loud) ?? -1
        var runs = 0
        var run = 0
        for sample in sound.samples {
            run = abs(Int(sample)) >= 32766 ? run + 1 : 0
            if run == 3 { runs += 1 }
        }
        return File(
            key: key, path: path, info: info, loudness: loudness, leading: Double(first) / Double(info.sampleRate),
            trailing: Double(frames - 1 - last) / Double(info.sampleRate), silent: first == frames || !loudness.integrated.isFinite,
            clippedRuns: runs,
            gain: playing.decibels, held: playing.held)
    }

    private static func problems(of file: File, at place: String) -> [String] {
        let name = Files.lastPart(file.path)
        var problems: [String] = []
        if file.silent {
            // Silence at its ends means nothing in a sound that is all silence.
            return ["\(place): \(name) is silent; expected a sound"]
        }
        if file.clippedRuns > 0 {
            problems.append("\(place): \(name) is clipped in \(file.clippedRuns) place(s); expected a recording that stays under full scale")
        }
        let isEarcon = file.key.hasPrefix(Earcon.keyPrefix)
        let isVoice = CueKind(rawValue: file.key) == nil && !isEarcon && file.key != Layer.ambient.rawValue
        let allowed = isVoice ? 0.5 : 0.05
        // The ambient fades in over seconds: silence at its start is never heard as late.
        if file.key != Layer.ambient.rawValue && file.leading > allowed {
            problems.append("\(place): \(name) starts with \(file.leading.fixed(2)) s of silence; expected at most \(allowed.formatted) s (trim it)")
        }
        let seconds = Double(file.info.frames) / Double(file.info.sampleRate)
        if file.key == Layer.ambient.rawValue && seconds < Ambient.shortestSeconds {
            problems.append(
                "\(place): \(name) lasts \(seconds.fixed(2)) s, too short to loop; expected \(Int(Ambient.shortestSeconds)) s or more")
        }
        if file.key == CueKind.tick.rawValue && seconds > Pauses.tickInterval {
            let limit = Pauses.tickInterval.formatted
            problems.append(
                "\(place): \(name) lasts \(seconds.fixed(2)) s, longer than the \(limit) s between the countdown's ticks; expected \(limit) s or less")
        }
        if isEarcon && seconds > Earcon.longestSeconds {
            problems.append(
                "\(place): \(name) lasts \(seconds.fixed(2)) s, too long to answer a key; expected \(Earcon.longestSeconds.formatted) s or less")
        }
        if isVoice && file.trailing > 1 {
            problems.append("\(place): \(name) ends with \(file.trailing.fixed(2)) s of silence; expected at most 1 s (trim it)")
        }
        return problems
    }
}

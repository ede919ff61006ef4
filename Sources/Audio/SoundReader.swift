import CSndFile
import Glibc
import Output
import Synchronization

/// Reads one sound file at a session rate, whole or a part at a time, with
/// the file kept open between parts: a long sound read part after part is
/// decoded once, start to end, whatever its format.
///
/// Every part is decoded from a little before it (`decodingStart`), through
/// a resampler of its own, so a part's samples depend only on the file, the
/// rate and the part: never on what was read before, nor on whether the
/// file was read on from the last part, sought in, or read again from its
/// start (for formats whose seeks are not exact). Read part by part, a
/// resampled sound is its whole within a step or two; at the file's own
/// rate, exactly.
///
/// The file is read through the descriptor opened first, so a reader reads
/// the file it opened to the end, even after another is renamed over its
/// path.
///
/// Threads that share a reader take turns.
public final class SoundReader: Sendable {
    public let path: String
    public let info: SoundFile.Info
    /// The rate sounds are read at.
    public let rate: Int
    private let input: Mutex<Input>

    /// Opens `path`; with `folder`, reached from that folder through no link.
    public init(_ path: String, rate: Int, beneath folder: String? = nil) throws(SoundError) {
        let (descriptor, file, info) = try SoundFile.open(path, beneath: folder)
        self.path = path
        self.info = info
        self.rate = rate
        input = Mutex(Input(descriptor: descriptor, file: file, path: path, info: info))
    }

    /// The frames of `part` (frames at `rate`, within the whole sound),
    /// interleaved; a file that yields fewer frames than its header promised
    /// (a truncated file) ends in silence.
    public func read(_ part: Range<Int64>) throws(SoundError) -> Sound {
        let part = part.clamped(to: 0..<info.frames(atRate: rate))
        let channels = min(info.channels, 2)
        var samples = [Int16](repeating: 0, count: part.count * channels)
        guard !part.isEmpty else { return Sound(channels: channels, samples: samples) }
        let start = Self.decodingStart(of: part.lowerBound, from: info.sampleRate, to: rate)
        let resampler =
            info.sampleRate == rate ? nil : try Resampler(from: info.sampleRate, to: rate, channels: channels)
        // The closures return their errors rather than throwing them: Swift 6.0
        // passes no typed error through `withUnsafe(Mutable)BufferPointer`.
        try samples.withUnsafeMutableBufferPointer { buffer in Result { () throws(SoundError) in
            let output = buffer
            /// The frame, at `rate`, the next frame out of the resampler is.
            var made = start.output
            func store(_ block: UnsafeBufferPointer<Float>) {
                var index = 0
                if made < part.lowerBound {
                    let before = min(block.count / channels, Int(part.lowerBound - made))
                    index = before * channels
                    made += Int64(before)
                }
                let count = min(block.count - index, Int(part.upperBound - made) * channels)
                guard count > 0 else { return }
                let at = Int(made - part.lowerBound) * channels
                for offset in 0..<count { output[at + offset] = PCM16.quantize(block[index + offset]) }
                made += Int64(count / channels)
            }
            var cursor = start.input
            while made < part.upperBound {
                let frames = try input.withLock { input throws(SoundError) in try input.frames(from: cursor) }
                guard !frames.isEmpty else { break }
                cursor += Int64(frames.count / channels)
                try frames.withUnsafeBufferPointer { frames in
                    Result { () throws(SoundError) in
                        if let resampler { try resampler.process(frames, into: store) } else { store(frames) }
                    }
                }.get()
            }
            if made < part.upperBound { try resampler?.flush(into: store) }
        } }.get()
        return Sound(channels: channels, samples: samples)
    }

    /// The loudest sample of the file's first frame (of its first two
    /// channels), at its own rate, before any resampling: 0 to 1 for a file
    /// within full scale. The frames decoded for it stay among the recent
    /// ones, so a part read next from near the start decodes them no second time.
    public func firstFrameLevel() throws(SoundError) -> Float {
        let frames = try input.withLock { input throws(SoundError) in try input.frames(from: 0) }
        return frames.prefix(min(info.channels, 2)).map(abs).max() ?? 0
    }

    /// Input frames decoded at a time.
    static let chunk = 4096
    /// How long the resampler runs before a part begins, so its filter has settled.
    static let settleSeconds = 0.05

    /// Where to start decoding for a part that begins at frame `first` at
    /// `outputRate`: the same frame for a file at that rate; otherwise at
    /// least `settleSeconds` earlier, on a frame that falls exactly on an
    /// input frame, so the resampler's output lines up with the whole file's.
    static func decodingStart(of first: Int64, from inputRate: Int, to outputRate: Int) -> (output: Int64, input: Int64) {
        guard inputRate != outputRate, first > 0 else {
            return (first, first * Int64(inputRate) / Int64(outputRate))
        }
        var (a, b) = (inputRate, outputRate)
        while b != 0 { (a, b) = (b, a % b) }
        let (inputStep, outputStep) = (Int64(inputRate / a), Int64(outputRate / a))
        let settle = Int64(Double(outputRate) * settleSeconds)
        let steps = max(0, first - settle) / outputStep
        return (steps * outputStep, steps * inputStep)
    }

}

/// The open file and what was last read from it.
private struct Input: ~Copyable {
    /// The file as first opened, kept open to read it again from its start.
    let descriptor: Int32
    /// libsndfile's handle on it; `nil` once it could not be read again.
    var file: OpaquePointer?
    let path: String
    let info: SoundFile.Info
    /// Channels kept: the first two.
    let channels: Int
    /// Input frames just read, kept so the next part, which starts a little
    /// before this one ended, needs no seek: frames [`recentStart`, `position`).
    var recent: [Float] = []
    var recentStart: Int64 = 0
    /// The input frame the file gives next.
    var position: Int64 = 0
    var decoded: [Float]

    init(descriptor: Int32, file: OpaquePointer, path: String, info: SoundFile.Info) {
        self.descriptor = descriptor
        self.file = file
        self.path = path
        self.info = info
        channels = min(info.channels, 2)
        decoded = [Float](repeating: 0, count: SoundReader.chunk * info.channels)
    }

    deinit {
        if let file { sf_close(file) }
        close(descriptor)
    }

    /// The input frames from `cursor` on (first two channels) that are at
    /// hand: among the recent ones, else decoded from the file. Empty at the
    /// end of the file.
    mutating func frames(from cursor: Int64) throws(SoundError) -> [Float] {
        try moveNear(cursor)
        guard let file else {
            throw SoundError(file: path, message: "can no longer be read from its start; expected the sound it was when opened")
        }
        while cursor >= position {
            let count = Int(decoded.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, Int64(SoundReader.chunk)) })
            // sf_readf_float stops early on a decoding error as at the end, or
            // hands back frames it lost sync in: only its error tells.
            if sf_error(file) != 0 { throw SoundFile.undecodable(path, file, at: position, rate: info.sampleRate) }
            guard count > 0 else { return [] }
            // A sample that is not a number (a float file's NaN or infinity) is silence, never a full-scale level.
            for index in 0..<count * info.channels where !decoded[index].isFinite { decoded[index] = 0 }
            // Keep the first two channels, in place.
            if info.channels > 2 {
                for frame in 0..<count {
                    decoded[frame * 2] = decoded[frame * info.channels]
                    decoded[frame * 2 + 1] = decoded[frame * info.channels + 1]
                }
            }
            remember(count)
        }
        return Array(recent[(Int(cursor - recentStart) * channels)...])
    }

    /// Makes sure input frame `frame` can be had next: it is among the recent
    /// frames or ahead in the file; else the file is sought, or read again
    /// from its start where seeks are not exact.
    private mutating func moveNear(_ frame: Int64) throws(SoundError) {
        if frame >= recentStart && frame <= position { return }
        if frame > position && frame - position < Int64(info.sampleRate) { return }
        recent.removeAll(keepingCapacity: true)
        if info.seeksExactly, let file, sf_seek(file, frame, SEEK_SET) == frame {
            position = frame
        } else if frame < position {
            // Back to the start of the same file, and read on from there.
            if let file { sf_close(file) }
            file = nil
            position = 0
            let (reopened, header) = try SoundFile.decoder(of: descriptor, path: path)
            guard header == info else {
                sf_close(reopened)
                throw SoundError(file: path, message: "changed while it was read; expected the sound it was when opened")
            }
            file = reopened
        }
        recentStart = position
    }

    /// Adds the `count` frames just decoded to the recent frames, keeping at
    /// least two chunks and the settling time: the next part starts that far
    /// back at most. Older frames are dropped once twice that many are
    /// kept, not chunk by chunk.
    private mutating func remember(_ count: Int) {
        let keep = 2 * SoundReader.chunk + Int(Double(info.sampleRate) * SoundReader.settleSeconds) + 1
        let kept = Int(position - recentStart)
        if kept + count > 2 * keep {
            let dropped = min(kept, kept + count - keep)
            recent.removeFirst(dropped * channels)
            recentStart += Int64(dropped)
        }
        recent.append(contentsOf: decoded[0..<count * channels])
        position += Int64(count)
    }
}

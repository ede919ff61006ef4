import CSndFile

/// Reads sound files through libsndfile: WAV, FLAC, OGG and the rest of what
/// it knows, in any rate, channel count and sample format.
public enum SoundFile {
    /// What a sound file holds, from its header.
    public struct Info: Equatable, Sendable {
        public var frames: Int64
        public var sampleRate: Int
        public var channels: Int

        /// Its length at another sample rate, as `read(_:rate:)` produces it:
        /// the nearest whole frame to the same duration.
        public func frames(atRate rate: Int) -> Int64 {
            (frames * Int64(rate) + Int64(sampleRate) / 2) / Int64(sampleRate)
        }
    }

    /// Channels a sound file may have; more than two are reduced to the first two.
    public static let channelLimit = 1...8
    /// Sample rates a sound file may have.
    public static let rateLimit = 1_000...384_000
    /// The longest sound file read: ten minutes.
    public static let longestSeconds: Int64 = 600

    /// Reads the header of `path` and checks that it is audio Stretchcue can play.
    public static func info(_ path: String) throws(SoundError) -> Info {
        let (file, info) = try open(path)
        sf_close(file)
        return info
    }

    /// Reads the whole file at `rate`, mono or stereo, in chunks: decoded,
    /// resampled with libsoxr and quantized on the way, so no full-length
    /// float copy is ever held. The sound is exactly
    /// `info.frames(atRate: rate)` frames long; a file that yields fewer frames
    /// than its header promised (a truncated file) ends in silence.
    public static func read(_ path: String, rate: Int) throws(SoundError) -> Sound {
        do {
            return try decode(path, rate: rate)
        } catch where error.file.isEmpty {
            throw SoundError(file: path, message: error.message)
        }
    }

    private static func decode(_ path: String, rate: Int) throws(SoundError) -> Sound {
        let (file, info) = try open(path)
        defer { sf_close(file) }
        let channels = min(info.channels, 2)
        var samples = [Int16](repeating: 0, count: Int(info.frames(atRate: rate)) * channels)
        try samples.withUnsafeMutableBufferPointer { buffer throws(SoundError) in
            let output = buffer
            var written = 0
            func store(_ block: UnsafeBufferPointer<Float>) {
                let count = min(block.count, output.count - written)
                for index in 0..<count { output[written + index] = Sound.quantize(block[index]) }
                written += count
            }
            let resampler =
                info.sampleRate == rate ? nil : try Resampler(from: info.sampleRate, to: rate, channels: channels)
            let chunk = 8192
            var decoded = [Float](repeating: 0, count: chunk * info.channels)
            while true {
                let count = Int(decoded.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, Int64(chunk)) })
                guard count > 0 else { break }
                // Keep the first two channels, in place.
                if info.channels > 2 {
                    for frame in 0..<count {
                        decoded[frame * 2] = decoded[frame * info.channels]
                        decoded[frame * 2 + 1] = decoded[frame * info.channels + 1]
                    }
                }
                try decoded.withUnsafeBufferPointer { block throws(SoundError) in
                    let frames = UnsafeBufferPointer(rebasing: block[0..<count * channels])
                    if let resampler { try resampler.process(frames, into: store) } else { store(frames) }
                }
            }
            try resampler?.flush(into: store)
        }
        // sf_readf_float stops early on a decoding error as at the end; tell them apart.
        if sf_error(file) != 0 {
            throw SoundError(file: path, message: "cannot be decoded (\(LibSndFile.failure("sf_readf_float", file)))")
        }
        return Sound(channels: channels, samples: samples)
    }

    /// Opens `path` for reading and checks its header: the one place a
    /// libsndfile open error becomes a `SoundError`.
    private static func open(_ path: String) throws(SoundError) -> (OpaquePointer, Info) {
        var header = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &header) else {
            throw SoundError(
                file: path, message: "not a readable sound file (\(LibSndFile.failure("sf_open", nil)))")
        }
        let info = Info(frames: header.frames, sampleRate: Int(header.samplerate), channels: Int(header.channels))
        let problem: String? =
            if info.frames <= 0 { "has no audio frames; expected a sound of at least one frame" }
            else if !channelLimit.contains(info.channels) { "has \(info.channels) channels; expected 1 to 8" }
            else if !rateLimit.contains(info.sampleRate) {
                "has a sample rate of \(info.sampleRate) Hz; expected 1000 to 384000 Hz"
            } else if info.frames / Int64(info.sampleRate) > longestSeconds {
                "lasts over ten minutes; expected a prompt of at most 600 s"
            } else { nil }
        if let problem {
            sf_close(file)
            throw SoundError(file: path, message: problem)
        }
        return (file, info)
    }
}

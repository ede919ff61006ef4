import CSndFile
import Glibc
import Output
import SystemCalls

/// Reads sound files through libsndfile: WAV, FLAC, OGG and the rest of what
/// it knows, in any rate, channel count and sample format.
public enum SoundFile {
    /// What a sound file holds, from its header.
    public struct Info: Equatable, Sendable {
        public var frames: Int64
        public var sampleRate: Int
        public var channels: Int
        /// Whether libsndfile lands on the exact frame asked for when seeking
        /// in this format (PCM and FLAC); Ogg Vorbis, for one, can land
        /// hundreds of frames off.
        public var seeksExactly = true
        /// Whether its frames are coded (FLAC, Vorbis, Opus, MP3, ADPCM...)
        /// and so may be broken where the header cannot tell; plain PCM and
        /// float samples can only be missing, which plays as silence.
        public var isCoded = false

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

    /// Reads the header of `path` and checks that it is audio Stretchcue
    /// can play; with `folder`, reached from that folder through no link
    /// (see `Files.openRegular`).
    public static func info(_ path: String, beneath folder: String? = nil) throws(SoundError) -> Info {
        let (descriptor, file, info) = try open(path, beneath: folder)
        sf_close(file)
        close(descriptor)
        return info
    }

    /// Reads the whole file at `rate`, mono or stereo (see `SoundReader`).
    public static func read(_ path: String, rate: Int, beneath folder: String? = nil) throws(SoundError) -> Sound {
        let reader = try SoundReader(path, rate: rate, beneath: folder)
        return try reader.read(0..<reader.info.frames(atRate: rate))
    }

    /// Opens `path` for reading (a regular file, never a FIFO or a device
    /// that could block: `Files.openRegular`) and checks its header: its
    /// descriptor, to be closed by the caller once done with the file, and
    /// libsndfile's handle on it. With `folder`, `path` is reached from it
    /// through no link. `decoder(of:path:)` reads the same descriptor again
    /// from its start: the file that was opened, even after another has
    /// been renamed over its path.
    static func open(_ path: String, beneath folder: String? = nil) throws(SoundError) -> (descriptor: Int32, file: OpaquePointer, info: Info) {
        let descriptor: Int32
        do {
            descriptor = try Files.openRegular(path, beneath: folder)
        } catch {
            throw SoundError(file: path, message: "not a readable sound file (\(error.reason)); expected a sound file")
        }
        do {
            let (file, info) = try decoder(of: descriptor, path: path)
            return (descriptor, file, info)
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// A libsndfile handle reading `descriptor` from its start, its header
    /// checked: the one place a libsndfile open error becomes a
    /// `SoundError`. The handle reads a duplicate of the descriptor, which
    /// it closes (libsndfile closes the descriptor it is given even when it
    /// fails to open it); `descriptor` stays open.
    static func decoder(of descriptor: Int32, path: String) throws(SoundError) -> (OpaquePointer, Info) {
        let duplicate: Int32
        do {
            _ = try SystemCall.retrying("lseek", path: path) { lseek(descriptor, 0, SEEK_SET) }
            duplicate = try SystemCall.retrying("fcntl", path: path) { fcntl(descriptor, F_DUPFD_CLOEXEC, 0) }
        } catch {
            throw SoundError(file: path, message: "not a readable sound file (\(error.call): \(error.reason))")
        }
        var header = SF_INFO()
        guard let file = sf_open_fd(duplicate, Int32(SFM_READ), &header, 1) else {
            let failure = LibSndFile.failure("sf_open_fd", nil)
            guard sf_error(nil) == Int32(SF_ERR_UNRECOGNISED_FORMAT) else {
                throw SoundError(file: path, message: "not a readable sound file (\(failure))")
            }
            throw SoundError(
                file: path,
                message: "not a readable sound file (\(failure)); expected a format libsndfile reads here: "
                    + LibSndFile.readableFormats.joined(separator: ", "))
        }
        let info = Info(
            frames: header.frames, sampleRate: Int(header.samplerate), channels: Int(header.channels),
            seeksExactly: seeksExactly(header.format), isCoded: isCoded(header.format))
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

    /// Decodes the whole file at `path` (with `folder`, reached from it
    /// through no link), throwing where a frame cannot be decoded, with the
    /// time it is at: `cannot be decoded at 0:03.2 (lost sync)`.
    public static func decodeWhole(_ path: String, beneath folder: String? = nil) throws(SoundError) {
        let (descriptor, file, info) = try open(path, beneath: folder)
        defer {
            sf_close(file)
            close(descriptor)
        }
        let chunk = 4096
        var samples = [Float](repeating: 0, count: chunk * info.channels)
        var decoded: Int64 = 0
        while decoded < info.frames {
            let count = samples.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, Int64(chunk)) }
            // A FLAC decoder that lost sync may still hand back a whole chunk: the error is the only sign.
            if count < 0 || sf_error(file) != 0 { throw undecodable(path, file, at: decoded, rate: info.sampleRate) }
            guard count > 0 else { return }
            decoded += count
        }
    }

    /// The error of a file whose frames from `frame` on (at the file's
    /// `rate`) cannot be decoded: `cannot be decoded at 0:03.2 (lost sync)`.
    static func undecodable(_ path: String, _ file: OpaquePointer, at frame: Int64, rate: Int) -> SoundError {
        let tenths = Int(frame * 10 / Int64(rate))
        let seconds = tenths / 10 % 60
        let at = "\(tenths / 600):\(seconds < 10 ? "0" : "")\(seconds).\(tenths % 10)"
        return SoundError(file: path, message: "cannot be decoded at \(at) (\(LibSndFile.failure("sf_readf_float", file)))")
    }

    /// Coded formats: every container's but plain PCM, float and the two companding laws.
    private static func isCoded(_ format: Int32) -> Bool {
        let container = format & Int32(SF_FORMAT_TYPEMASK)
        let encoding = format & Int32(SF_FORMAT_SUBMASK)
        let plain: [Int] = [
            SF_FORMAT_PCM_S8, SF_FORMAT_PCM_U8, SF_FORMAT_PCM_16, SF_FORMAT_PCM_24, SF_FORMAT_PCM_32,
            SF_FORMAT_FLOAT, SF_FORMAT_DOUBLE, SF_FORMAT_ULAW, SF_FORMAT_ALAW,
        ]
        return container == Int32(SF_FORMAT_FLAC) || container == Int32(SF_FORMAT_OGG) || !plain.contains(Int(encoding))
    }

    /// Formats whose seeks land exactly: uncompressed PCM in any container, and FLAC.
    private static func seeksExactly(_ format: Int32) -> Bool {
        let container = format & Int32(SF_FORMAT_TYPEMASK)
        let encoding = format & Int32(SF_FORMAT_SUBMASK)
        if container == Int32(SF_FORMAT_FLAC) { return true }
        let exact: [Int] = [
            SF_FORMAT_PCM_S8, SF_FORMAT_PCM_U8, SF_FORMAT_PCM_16, SF_FORMAT_PCM_24, SF_FORMAT_PCM_32,
            SF_FORMAT_FLOAT, SF_FORMAT_DOUBLE, SF_FORMAT_ULAW, SF_FORMAT_ALAW,
        ]
        return exact.contains(Int(encoding))
    }
}

import CSndFile
import Glibc
import SystemCalls

/// Writes a session to a WAV or FLAC file through libsndfile.
///
/// Frames go to a file that takes the target's place only in `finish()`
/// (`PendingFile`): a failed, interrupted or killed render never leaves
/// half a file, and never destroys a file that was there before.
public final class FileSink: AudioSink {
    public let sampleRate: Int
    public let channels: Int
    public let format: SampleFormat
    /// The file written when the sink finishes.
    public let path: String
    /// The file written, unnamed until `finish()`; thrown away if the sink is dropped unfinished.
    private let pending: PendingFile
    private var file: OpaquePointer?
    private var encoded: [UInt8] = []

    /// Containers by file extension.
    public static let extensions = ["wav": Int32(SF_FORMAT_WAV), "flac": Int32(SF_FORMAT_FLAC)]

    /// The most sample bytes a plain WAV is given: its header counts in 32
    /// bits, and a longer session's count would wrap. Past it a `.wav` is
    /// written as RF64, WAV's 64-bit form.
    public static let largestWAV: Int64 = (1 << 32) - (1 << 20)

    /// A sink writing a new file at `path`, its type from the name's
    /// extension; `frames`, when known, is how many will be written, for a
    /// WAV to be made RF64 when it would pass `largestWAV`.
    public init(
        path: String, sampleRate: Int, channels: Int, format: SampleFormat = .s16, frames: Int64? = nil
    ) throws(OutputError) {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        guard path.contains("."), var container = Self.extensions[ext] else {
            throw OutputError(target: path, message: "unknown file type; expected a name ending in .wav or .flac")
        }
        // As the file stores them: 24-bit samples in three bytes.
        let storedBytes = format == .s24 ? 3 : format.bytesPerSample
        if container == Int32(SF_FORMAT_WAV), let frames, frames * Int64(channels * storedBytes) > Self.largestWAV {
            container = Int32(SF_FORMAT_RF64)
        }
        let subtype: Int32
        switch format {
        case .s16: subtype = Int32(SF_FORMAT_PCM_16)
        case .s24: subtype = Int32(SF_FORMAT_PCM_24)
        case .s32: subtype = Int32(SF_FORMAT_PCM_32)
        case .float: subtype = Int32(SF_FORMAT_FLOAT)
        }
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = container | subtype
        guard sf_format_check(&info) != 0 else {
            throw OutputError(target: path, message: "\(ext.uppercased()) cannot store \(format.rawValue) samples")
        }
        self.path = path
        self.sampleRate = sampleRate
        self.channels = channels
        self.format = format
        let duplicate: Int32
        do {
            // Created as libsndfile creates files, readable and writable by all less the umask.
            pending = try PendingFile(target: path, mode: 0o666)
            // libsndfile closes the descriptor it is given, even when it fails to open it.
            duplicate = try SystemCall.retrying("fcntl", path: path) { fcntl(pending.descriptor, F_DUPFD_CLOEXEC, 0) }
        } catch {
            throw OutputError(target: path, message: "cannot write (\(error.call): \(error.reason))")
        }
        guard let file = sf_open_fd(duplicate, Int32(SFM_WRITE), &info, 1) else {
            throw OutputError(target: path, message: "cannot write (\(LibSndFile.failure("sf_open_fd", nil)))")
        }
        self.file = file
    }

    deinit {
        // Never finished: the pending file is thrown away with the sink.
        if let file { sf_close(file) }
    }

    public func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws {
        guard let file else { throw OutputError(target: path, message: "written to after it was finished") }
        let count = frames * channels
        let input = UnsafeBufferPointer(rebasing: samples[0..<count])
        let written: Int64
        switch format {
        case .float:
            written = sf_writef_float(file, input.baseAddress, Int64(frames))
        case .s16:
            if encoded.count < count * 2 { encoded = [UInt8](repeating: 0, count: count * 2) }
            written = encoded.withUnsafeMutableBytes { bytes in
                format.encode(input, into: bytes.baseAddress!)
                return sf_writef_short(file, bytes.baseAddress!.assumingMemoryBound(to: Int16.self), Int64(frames))
            }
        case .s24, .s32:
            if encoded.count < count * 4 { encoded = [UInt8](repeating: 0, count: count * 4) }
            written = encoded.withUnsafeMutableBytes { bytes in
                format.encode(input, into: bytes.baseAddress!)
                return sf_writef_int(file, bytes.baseAddress!.assumingMemoryBound(to: Int32.self), Int64(frames))
            }
        }
        guard written == Int64(frames) else {
            throw OutputError(target: path, message: "cannot write (\(LibSndFile.failure("sf_writef", file)))")
        }
    }

    public func finish() throws {
        guard let file else { return }
        self.file = nil
        let closed = sf_close(file)
        guard closed == 0 else {
            throw OutputError(target: path, message: "cannot finish the file (\(LibSndFile.failure("sf_close", code: closed)))")
        }
        do {
            // A file written over keeps its permissions.
            try pending.commit(mode: try? Files.status(path).mode)
        } catch {
            throw OutputError(target: path, message: "cannot move the finished file into place: \(error.reason)")
        }
    }
}

import CEBUR128
import Glibc

/// How loud a sound is, by EBU R128 (libebur128): the integrated, gated
/// loudness a listener hears over the whole sound, and its sample peak.
public struct Loudness: Equatable, Sendable {
    /// Integrated loudness in LUFS; `-infinity` for silence.
    public var integrated: Double
    /// The largest sample, in dB relative to full scale.
    public var peak: Double

    /// The loudness the built-in voice is matched to, and voice packs should be.
    public static let voiceTarget = -20.0
    /// R128 measures in blocks of 400 ms. A sound shorter than a block (a
    /// single word) is measured in the middle of one block of silence, as
    /// a listener hears it between other sounds; a longer one as it is.
    public static let block = 0.4

    public init(integrated: Double, peak: Double) {
        self.integrated = integrated
        self.peak = peak
    }

    /// Measures the sound file at `path`, at its own rate; with `folder`,
    /// reached from that folder through no link.
    public init(ofFile path: String, beneath folder: String? = nil) throws(SoundError) {
        let rate = try SoundFile.info(path, beneath: folder).sampleRate
        do {
            try self.init(of: SoundFile.read(path, rate: rate, beneath: folder), rate: rate)
        } catch where error.file.isEmpty {
            throw SoundError(file: path, message: error.message)
        }
    }

    /// Measures `sound`, whose samples are at `rate`.
    public init(of sound: Sound, rate: Int) throws(SoundError) {
        guard let state = ebur128_init(UInt32(sound.channels), UInt(rate), Int32(EBUR128_MODE_I.rawValue | EBUR128_MODE_SAMPLE_PEAK.rawValue))
        else { throw SoundError(file: "", message: "cannot measure loudness (ebur128_init failed)") }
        var meter: UnsafeMutablePointer<ebur128_state>? = state
        defer { ebur128_destroy(&meter) }
        let missing = max(0, Int(Self.block * Double(rate)) + 1 - sound.frames)
        let before = [Int16](repeating: 0, count: missing / 2 * sound.channels)
        let after = [Int16](repeating: 0, count: (missing - missing / 2) * sound.channels)
        for part in [before, sound.samples, after] where !part.isEmpty {
            let status = part.withUnsafeBufferPointer {
                ebur128_add_frames_short(state, $0.baseAddress, $0.count / sound.channels)
            }
            guard status == Int32(EBUR128_SUCCESS.rawValue) else {
                throw SoundError(file: "", message: "cannot measure loudness (ebur128 error \(status))")
            }
        }
        var integrated = -Double.infinity
        ebur128_loudness_global(state, &integrated)
        var loudest = 0.0
        for channel in 0..<sound.channels {
            var peak = 0.0
            ebur128_sample_peak(state, UInt32(channel), &peak)
            loudest = max(loudest, peak)
        }
        self.integrated = integrated
        self.peak = 20 * log10(loudest)
    }

    /// How much louder a mono sound plays in a session than R128 measures
    /// it, 10 log10 2 (3.01 dB): R128 adds up the power of a sound's
    /// channels, and the mixer plays a mono sound at full level on both of
    /// the session's channels, where a stereo sound's two each play on one.
    public static let monoOnTwoChannels = 10 * log10(2.0)

    /// The loudness of this sound, measured on `channels` channels, as the
    /// session's two channels carry it: a mono sound counted on both (a
    /// sound of more than two channels plays, and is measured, as its first
    /// two). A stereo file of a mono sound is heard as loud as the mono
    /// file, in a stereo session and in a mono one.
    public func heard(channels: Int) -> Double {
        channels == 1 ? integrated + Self.monoOnTwoChannels : integrated
    }

    /// The gain in dB that brings this sound to `target` LUFS; 0 for silence.
    public func gain(to target: Double) -> Double {
        integrated.isFinite ? target - integrated : 0
    }
}

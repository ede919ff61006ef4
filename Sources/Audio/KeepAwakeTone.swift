import Glibc

/// The inaudible tone `--keep-awake` plays so a speaker that switches
/// itself off after minutes of digital silence (many Bluetooth and some
/// USB speakers) never sees any (issue 32).
///
/// A 25 Hz sine with a peak of -66 dBFS: below hearing at that frequency
/// and level, and low enough that the harmonics 16-bit rounding makes of
/// it (a sine of 16 LSB) stay near -111 dBFS, 45 dB under the tone, every
/// one of them above 40 Hz (measured in `KeepAwakeToneTests`). No dither:
/// dither would spread its own noise (-96 dBFS) over the whole band, and
/// rounding without it keeps `render` bit-exact; on a 24-bit, 32-bit or
/// float device the harmonics are lower still.
///
/// The tone is a pure function of the stream's frame: the phase of frame
/// `n` is `n × 25 / rate` cycles, so periods join without a step whatever
/// their length, and a device rewound by N frames is given the same
/// samples again. It fades in over `fadeMilliseconds` from the stream's
/// first frame and out over as long before the frame given as its end, so
/// it never clicks. It is added after the limiter (and the volume), so it
/// never moves with the voice's gain: the limiter's ceiling (0.999) plus
/// the tone's peak (0.0005) stays inside full scale.
public struct KeepAwakeTone: Sendable {
    /// Cycles per second: an integer, so the phase is computed exactly.
    public static let frequency = 25
    /// The peak level in dBFS.
    public static let decibels = -66.0
    /// How long the tone takes to fade in and out.
    public static let fadeMilliseconds = 250.0

    public let sampleRate: Int
    /// The peak, as a float sample.
    public let amplitude: Float
    /// Frames of each fade.
    public let fadeFrames: Int

    public init(sampleRate: Int) {
        precondition(sampleRate > 0, "a sample rate is positive")
        self.sampleRate = sampleRate
        amplitude = Float(decibels: Self.decibels)
        fadeFrames = max(1, Fade.frames(milliseconds: Self.fadeMilliseconds, rate: sampleRate))
    }

    /// The tone's sample at stream frame `frame`, at full level (no fade).
    @inline(__always)
    public func value(at frame: Int64) -> Float {
        // frame = q × rate + r: the q whole seconds are whole cycles.
        let rate = Int64(sampleRate)
        let within = ((frame % rate) + rate) % rate
        let cycles = Double(within * Int64(Self.frequency) % rate) / Double(rate)
        return amplitude * Float(sin(2 * Double.pi * cycles))
    }

    /// The fades' gain at stream frame `frame` of a stream that ends at `end`.
    @inline(__always)
    public func envelope(at frame: Int64, end: Int64 = .max) -> Float {
        let fade = Int64(fadeFrames)
        var gain: Float = 1
        if frame < fade { gain = frame < 0 ? 0 : Fade.gain(Int(frame), of: fadeFrames) }
        let left = end - 1 - frame
        if left < fade { gain = min(gain, left < 0 ? 0 : Fade.gain(Int(left), of: fadeFrames)) }
        return gain
    }

    /// Adds the tone to `count` frames of `output` (interleaved, `channels`
    /// per frame, the same on each), the first of them stream frame
    /// `start`, faded in from stream frame 0 and out before `end`. Touches
    /// no lock and allocates nothing: the audio thread's.
    public func add(
        into output: UnsafeMutableBufferPointer<Float>, frames count: Int, channels: Int, from start: Int64,
        end: Int64 = .max
    ) {
        precondition(output.count >= count * channels, "the output holds the frames asked for")
        for offset in 0..<count {
            let frame = start + Int64(offset)
            let sample = value(at: frame) * envelope(at: frame, end: end)
            for channel in 0..<channels { output[offset * channels + channel] += sample }
        }
    }
}

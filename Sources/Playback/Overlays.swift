import Audio
import Output

/// Sounds laid over the session as they come, not on its timeline: a key's
/// earcon, the spoken status. The status speech ducks the session 12 dB
/// while it speaks, ramping over `duckFrames` whatever the period.
struct Overlays {
    var earcon: (sound: Sound, offset: Int)?
    var speech: (sound: Sound, offset: Int)?
    /// The session's gain under the speech, moving toward its target a frame at a time.
    private var duck: Float = 1
    private let duckStep: Float

    static let duckedGain: Float = 0.25
    /// How long the duck takes to go down or come back up.
    static let duckTime = 50.0

    init(sampleRate: Int) {
        duckStep = (1 - Self.duckedGain) / Float(max(1, Fade.frames(milliseconds: Self.duckTime, rate: sampleRate)))
    }

    /// Mixes the overlays into `output`, scaled by `gain` (the master volume,
    /// so a volume earcon is heard at the new level), ducking what is there.
    mutating func mix(into output: UnsafeMutableBufferPointer<Float>, count: Int, channels: Int, gain: Float) {
        let target: Float = speech == nil ? 1 : Self.duckedGain
        if target != duck || duck != 1 {
            for frame in 0..<count {
                duck = target < duck ? max(target, duck - duckStep) : min(target, duck + duckStep)
                for channel in 0..<channels { output[frame * channels + channel] *= duck }
            }
        }
        earcon = add(earcon, into: output, count: count, channels: channels, gain: gain)
        speech = add(speech, into: output, count: count, channels: channels, gain: gain)
    }

    /// Adds the next `count` frames of an overlay (its first channel, on every
    /// output channel); `nil` once it is over.
    private func add(
        _ overlay: (sound: Sound, offset: Int)?, into output: UnsafeMutableBufferPointer<Float>, count: Int,
        channels: Int, gain: Float
    ) -> (sound: Sound, offset: Int)? {
        guard let (sound, offset) = overlay else { return nil }
        let frames = min(count, sound.frames - offset)
        let scale = gain / PCM16.fullScale
        sound.samples.withUnsafeBufferPointer { samples in
            for frame in 0..<frames {
                let value = Float(samples[(offset + frame) * sound.channels]) * scale
                for channel in 0..<channels { output[frame * channels + channel] += value }
            }
        }
        return offset + frames < sound.frames ? (sound, offset + frames) : nil
    }
}

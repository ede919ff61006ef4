import Audio

/// Sounds laid over the session as they come, not on its timeline: a key's
/// earcon, the spoken status. The status speech ducks the session 12 dB
/// while it speaks.
struct Overlays {
    var earcon: (sound: Sound, offset: Int)?
    var speech: (sound: Sound, offset: Int)?
    /// The session's gain under the speech, moving a period at a time toward its target.
    private var duck: Float = 1

    static let duckedGain: Float = 0.25

    /// Mixes the overlays into `output`, scaled by `gain` (the master volume,
    /// so a volume earcon is heard at the new level), ducking what is there.
    mutating func mix(into output: UnsafeMutableBufferPointer<Float>, count: Int, channels: Int, gain: Float) {
        let target: Float = speech == nil ? 1 : Self.duckedGain
        if target != duck || duck != 1 {
            for frame in 0..<count {
                let level = duck + (target - duck) * Float(frame + 1) / Float(count)
                for channel in 0..<channels { output[frame * channels + channel] *= level }
            }
            duck = target
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
        let scale = gain / Sound.fullScale
        sound.samples.withUnsafeBufferPointer { samples in
            for frame in 0..<frames {
                let value = Float(samples[(offset + frame) * sound.channels]) * scale
                for channel in 0..<channels { output[frame * channels + channel] += value }
            }
        }
        return offset + frames < sound.frames ? (sound, offset + frames) : nil
    }
}

/// Raised-cosine crossfades and fades over one period.
enum Crossfade {
    /// `output` fades out while `incoming` fades in, over `count` frames.
    static func mix(
        _ incoming: UnsafeMutableBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, count: Int,
        channels: Int
    ) {
        for frame in 0..<count {
            let rising = Fade.gain(frame, of: count)
            for channel in 0..<channels {
                let index = frame * channels + channel
                output[index] = output[index] * (1 - rising) + incoming[index] * rising
            }
        }
    }

    /// Fades `samples` in or out over `count` frames.
    static func fade(_ samples: UnsafeMutableBufferPointer<Float>, count: Int, channels: Int, out: Bool) {
        for frame in 0..<count {
            let gain = Fade.gain(out ? count - 1 - frame : frame, of: count)
            for channel in 0..<channels { samples[frame * channels + channel] *= gain }
        }
    }
}

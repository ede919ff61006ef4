import Glibc

/// A soft limiter without memory: below -1 dBFS a sample passes unchanged,
/// above it is bent smoothly toward a ceiling just under full scale. Having
/// no memory keeps the mix the same whichever range is rendered.
public enum Limiter {
    /// Where the curve starts bending: -1 dBFS.
    public static let threshold: Float = 0.891
    /// What the curve approaches and never passes: -0.01 dBFS.
    public static let ceiling: Float = 0.999

    /// Applies `gain`, then the curve, to every sample.
    public static func apply(_ samples: UnsafeMutableBufferPointer<Float>, gain: Float = 1) {
        // Most periods never come near the threshold: find out with one
        // branch-free pass, and scale only when there is a gain to apply.
        // Positive floats order like their bit patterns, and integer maxima vectorize.
        var loudest: UInt32 = 0
        for value in samples { loudest = max(loudest, value.bitPattern & 0x7FFF_FFFF) }
        if Float(bitPattern: loudest) * gain <= threshold {
            if gain != 1 { for index in samples.indices { samples[index] *= gain } }
            return
        }
        for index in samples.indices {
            let value = samples[index] * gain
            samples[index] = abs(value) <= threshold ? value : bend(value)
        }
    }

    /// The curve above the threshold: tanh, joined to the straight line with
    /// the same slope.
    static func bend(_ value: Float) -> Float {
        let headroom = ceiling - threshold
        let excess = (abs(value) - threshold) / headroom
        let bent = threshold + headroom * tanhf(excess)
        return value < 0 ? -bent : bent
    }
}

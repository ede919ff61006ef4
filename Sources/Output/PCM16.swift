/// 16-bit PCM samples: the scale and the rounding every 16-bit sample of the
/// program goes through, whether a sound is built or the mix is sent out.
public enum PCM16 {
    /// The value of a full-scale sample.
    public static let fullScale: Float = 32767

    /// A float sample in [-1, 1] as a 16-bit sample, rounded to nearest
    /// (halves to even), clamped. Written without a rounding call or a
    /// checked conversion, so loops over it vectorize.
    @inlinable @inline(__always)
    public static func quantize(_ value: Float) -> Int16 {
        let scaled = max(-1, min(1, value)) * fullScale
        // Adding 1.5 * 2^23 rounds to an integer and leaves it in the low
        // mantissa bits, where it can be read off without a conversion.
        let shifted = (scaled + 12_582_912).bitPattern
        return Int16(truncatingIfNeeded: Int32(bitPattern: shifted) &- 0x4B40_0000)
    }

    /// A float already in 16-bit units (full scale 32767) as a 16-bit
    /// sample, rounded to nearest (halves to even), clamped: one
    /// floating-point addition, the rest in integers. `value` must lie
    /// within 2^22 of zero, as every mixed or synthesized sample does.
    @inlinable @inline(__always)
    public static func quantize(scaled value: Float) -> Int16 {
        let whole = Int32(bitPattern: (value + 12_582_912).bitPattern) &- 0x4B40_0000
        return Int16(truncatingIfNeeded: max(-32767, min(32767, whole)))
    }
}

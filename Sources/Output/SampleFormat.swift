
/// How samples are stored in a file or sent to a device.
public enum SampleFormat: String, CaseIterable, Sendable {
    /// 16-bit signed integers.
    case s16
    /// 24-bit signed integers.
    case s24
    /// 32-bit signed integers.
    case s32
    /// 32-bit floats in [-1, 1].
    case float

    /// Bytes of one sample in memory as the encoder writes it.
    public var bytesPerSample: Int { self == .s16 ? 2 : 4 }

    /// Encodes float samples into `output`, `bytesPerSample` each.
    ///
    /// The one conversion from the mix to integers, shared by every sink so
    /// that a file and a device receive the same values: scaled to the format's
    /// full scale, rounded to nearest, clamped. 24-bit values are stored in the
    /// top three bytes of a 32-bit word, as libsndfile takes them.
    public func encode(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableRawPointer) {
        switch self {
        case .s16:
            let out = output.assumingMemoryBound(to: Int16.self)
            for index in input.indices { out[index] = PCM16.quantize(input[index]) }
        case .s24:
            let out = output.assumingMemoryBound(to: Int32.self)
            for index in input.indices { out[index] = Int32(Self.scaled(input[index], by: 8_388_607)) << 8 }
        case .s32:
            let out = output.assumingMemoryBound(to: Int32.self)
            for index in input.indices { out[index] = Int32(Self.scaled(input[index], by: 2_147_483_647)) }
        case .float:
            output.copyMemory(from: input.baseAddress!, byteCount: input.count * 4)
        }
    }

    /// `value` clamped to [-1, 1] times `fullScale`, rounded to the nearest
    /// integer, halves to even (as `PCM16.quantize` rounds 16-bit samples).
    @inline(__always)
    static func scaled(_ value: Float, by fullScale: Double) -> Int64 {
        Int64((Double(max(-1, min(1, value))) * fullScale).rounded(.toNearestOrEven))
    }
}

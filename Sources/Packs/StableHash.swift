/// Hashes that are the same on every machine and every run (unlike Swift's
/// `Hasher`): for choices a session must repeat, and files' stamps.
public enum StableHash {
    /// FNV-1a (64 bits) of `bytes`.
    public static func fnv1a<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }

    /// SplitMix64's finalizer: every bit of `value` spread over every bit of the result.
    public static func splitMix64(_ value: UInt64) -> UInt64 {
        var mixed = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// SplitMix64's increment, the golden ratio in 64 bits.
    public static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15
}

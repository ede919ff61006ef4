extension PackEntry {
    /// The variant that plays at the `occurrence`th time (from 0) this
    /// entry's `key` sounds in a session with `seed`: chosen by weight from
    /// a hash of the three, so a session sounds the same whenever it is
    /// rendered or played, and varies from one seed to the next.
    public func variant(key: String, occurrence: Int, seed: UInt64) -> Int {
        guard variants.count > 1 else { return 0 }
        // FNV-1a of the key, then a SplitMix64 finalizer over the mix: the
        // same on every machine and every run (unlike Swift's Hasher).
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        var mixed = hash ^ (UInt64(truncatingIfNeeded: occurrence) &* 0x9E37_79B9_7F4A_7C15) ^ seed
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        mixed ^= mixed >> 31
        let total = variants.reduce(0) { $0 + $1.weight }
        var pick = Int(mixed % UInt64(total))
        for (index, variant) in variants.enumerated() {
            if pick < variant.weight { return index }
            pick -= variant.weight
        }
        return variants.count - 1
    }
}

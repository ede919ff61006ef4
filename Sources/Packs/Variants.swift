extension PackEntry {
    /// The variant that plays at the `occurrence`th time (from 0) this
    /// entry's `key` sounds in a session with `seed`: chosen by weight from
    /// a hash of the three, so a session sounds the same whenever it is
    /// rendered or played, and varies from one seed to the next.
    public func variant(key: String, occurrence: Int, seed: UInt64) -> Int {
        guard variants.count > 1 else { return 0 }
        // FNV-1a of the key, then a SplitMix64 finalizer over the mix: the
        // same on every machine and every run (unlike Swift's Hasher).
        let mixed = StableHash.splitMix64(
            StableHash.fnv1a(key.utf8) ^ (UInt64(truncatingIfNeeded: occurrence) &* StableHash.golden) ^ seed)
        let total = variants.reduce(0) { $0 + $1.weight }
        var pick = Int(mixed % UInt64(total))
        for (index, variant) in variants.enumerated() {
            if pick < variant.weight { return index }
            pick -= variant.weight
        }
        return variants.count - 1
    }
}

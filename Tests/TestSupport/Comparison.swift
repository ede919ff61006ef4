/// Where two sample arrays first differ: `nil` when they are equal. Tests
/// expect on this rather than on the arrays, whose failure report would
/// print, and diff, millions of samples.
public func firstDifference<T: Equatable>(_ got: some Collection<T>, _ expected: some Collection<T>) -> Int? {
    for (index, (a, b)) in zip(got, expected).enumerated() where a != b { return index }
    return got.count == expected.count ? nil : min(got.count, expected.count)
}

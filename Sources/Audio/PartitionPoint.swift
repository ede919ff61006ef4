extension Array {
    /// A binary search: the index of the first element for which
    /// `isBefore`, true for a leading run of elements and false after it,
    /// is false; `count` when it is true for all. Allocates nothing: the
    /// audio thread calls it.
    func partitionPoint(where isBefore: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if isBefore(self[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

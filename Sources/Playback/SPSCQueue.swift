import Synchronization

/// A bounded queue for one producing thread and one consuming thread that
/// neither locks nor allocates after `init`: how the audio thread and the
/// control thread hand each other work without ever waiting on each other.
///
/// `push` is for the producer only and `pop` for the consumer only; each
/// slot is written by one side and then read by the other, ordered by the
/// release/acquire pairs on `head` and `tail`.
final class SPSCQueue<Element: Sendable>: @unchecked Sendable {
    // @unchecked: the slots are raw memory whose ownership passes between
    // the two threads by the protocol above, which the compiler cannot see.
    private let slots: UnsafeMutablePointer<Element?>
    let capacity: Int
    /// The next slot to read, moved by the consumer.
    private let head = Atomic<Int>(0)
    /// The next slot to write, moved by the producer.
    private let tail = Atomic<Int>(0)

    init(capacity: Int) {
        precondition(capacity > 0, "a queue holds something")
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
    }

    deinit {
        slots.deinitialize(count: capacity)
        slots.deallocate()
    }

    /// Adds `element` at the end; `false`, and nothing added, when full.
    func push(_ element: Element) -> Bool {
        let end = tail.load(ordering: .relaxed)
        guard end - head.load(ordering: .acquiring) < capacity else { return false }
        slots[end % capacity] = element
        tail.store(end + 1, ordering: .releasing)
        return true
    }

    /// Whether there is nothing to take: for the consumer, as `pop` is.
    var isEmpty: Bool { head.load(ordering: .relaxed) >= tail.load(ordering: .acquiring) }

    /// Takes the first element; `nil` when empty.
    func pop() -> Element? {
        let start = head.load(ordering: .relaxed)
        guard start < tail.load(ordering: .acquiring) else { return nil }
        let element = slots[start % capacity]
        slots[start % capacity] = nil
        head.store(start + 1, ordering: .releasing)
        return element
    }
}

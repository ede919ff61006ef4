/// One event from a Linux input device (`struct input_event`), read from
/// `/dev/input/event*`.
public struct InputEvent: Equatable, Sendable {
    /// When the kernel saw it, from the event itself.
    public var time: Duration
    public var type: UInt16
    public var code: UInt16
    /// For a key: 1 pressed, 0 released, 2 repeated while held.
    public var value: Int32

    public init(time: Duration, type: UInt16, code: UInt16, value: Int32) {
        self.time = time
        self.type = type
        self.code = code
        self.value = value
    }

    /// Event types and codes the program uses (linux/input-event-codes.h).
    public static let synchronize: UInt16 = 0
    public static let key: UInt16 = 1
    /// A synchronize event's code saying events were dropped (the reader was too slow).
    public static let dropped: UInt16 = 3

    /// Bytes of one event: two `long`s of time, then type, code and value.
    public static let size = 2 * MemoryLayout<Int>.size + 8

    /// The events in `bytes`, in order; bytes of an event not whole yet are
    /// left in `bytes` for the next read.
    public static func decode(_ bytes: inout [UInt8]) -> [InputEvent] {
        let count = bytes.count / size
        var events: [InputEvent] = []
        events.reserveCapacity(count)
        bytes.withUnsafeBytes { raw in
            for index in 0..<count {
                let base = index * size
                let word = MemoryLayout<Int>.size
                let seconds = raw.loadUnaligned(fromByteOffset: base, as: Int.self)
                let microseconds = raw.loadUnaligned(fromByteOffset: base + word, as: Int.self)
                events.append(
                    InputEvent(
                        time: .seconds(seconds) + .microseconds(microseconds),
                        type: raw.loadUnaligned(fromByteOffset: base + 2 * word, as: UInt16.self),
                        code: raw.loadUnaligned(fromByteOffset: base + 2 * word + 2, as: UInt16.self),
                        value: raw.loadUnaligned(fromByteOffset: base + 2 * word + 4, as: Int32.self)))
            }
        }
        bytes.removeFirst(count * size)
        return events
    }

    /// The bytes the kernel would send for this event (for tests and fuzzing corpora).
    public var bytes: [UInt8] {
        let (seconds, attoseconds) = time.components
        var out: [UInt8] = []
        withUnsafeBytes(of: Int(seconds)) { out += $0 }
        withUnsafeBytes(of: Int(attoseconds / 1_000_000_000_000)) { out += $0 }
        withUnsafeBytes(of: type) { out += $0 }
        withUnsafeBytes(of: code) { out += $0 }
        withUnsafeBytes(of: value) { out += $0 }
        return out
    }
}

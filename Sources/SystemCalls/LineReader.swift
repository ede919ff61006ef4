import Glibc

/// Lines read from a descriptor, one at a time.
public struct LineReader {
    /// Where the lines are read from.
    public let descriptor: Int32
    /// Why the last `next` found no line, when a read failed rather than ended.
    public private(set) var failure: Errno?
    private var buffer: [UInt8] = []

    public init(descriptor: Int32) { self.descriptor = descriptor }

    /// The next line without its line break; `nil` at the end.
    public mutating func next() -> String? {
        failure = nil
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 1)
                return line
            }
            switch SystemCall.attempt({ chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) } }) {
            case .success(0):
                return nil
            case .success(let count):
                buffer += chunk[0..<count]
            case .failure(let errno):
                failure = errno
                return nil
            }
        }
    }
}

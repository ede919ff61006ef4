import Foundation

/// The parts of a WAV file the tests compare: its format and sample data.
public struct WAV {
    public var channels: Int
    public var sampleRate: Int
    public var bitsPerSample: Int
    /// The bytes of the `data` chunk.
    public var data: Data

    /// Reads `path`, walking its RIFF chunks.
    public init(path: String) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        func word(_ at: Int, _ size: Int) -> Int {
            (0..<size).reduce(0) { $0 | Int(bytes[bytes.startIndex + at + $1]) << (8 * $1) }
        }
        guard bytes.count >= 12, bytes.prefix(4) == Data("RIFF".utf8) else { throw Problem("\(path) is not RIFF") }
        var offset = 12
        var format: (Int, Int, Int)?
        var data: Data?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[(bytes.startIndex + offset)..<(bytes.startIndex + offset + 4)], as: UTF8.self)
            // ALSA's file plugin leaves the data size at 0 or too large while writing: clamp to the file.
            let size = min(word(offset + 4, 4), bytes.count - offset - 8)
            let body = offset + 8
            if id == "fmt " { format = (word(body + 2, 2), word(body + 4, 4), word(body + 14, 2)) }
            if id == "data" { data = bytes[(bytes.startIndex + body)..<(bytes.startIndex + body + size)] }
            offset = body + size + (size & 1)
        }
        guard let format, let data else { throw Problem("\(path) has no fmt or data chunk") }
        (channels, sampleRate, bitsPerSample) = format
        self.data = Data(data)
    }

    /// The samples of a 16-bit file as floats in [-1, 1], interleaved.
    public var samples: [Float] {
        data.withUnsafeBytes { raw in raw.bindMemory(to: Int16.self).map { Float($0) / 32768 } }
    }

    public var frames: Int { data.count / (channels * bitsPerSample / 8) }

    struct Problem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

extension WAV {
    /// Writes 16-bit PCM `samples` (interleaved) as a WAV file.
    public static func write(_ path: String, samples: [Int16], rate: Int, channels: Int) throws {
        var bytes = Data()
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        let size = samples.count * 2
        bytes.append(contentsOf: Array("RIFF".utf8))
        append(UInt32(36 + size))
        bytes.append(contentsOf: Array("WAVEfmt ".utf8))
        append(UInt32(16))
        append(UInt16(1))
        append(UInt16(channels))
        append(UInt32(rate))
        append(UInt32(rate * channels * 2))
        append(UInt16(channels * 2))
        append(UInt16(16))
        bytes.append(contentsOf: Array("data".utf8))
        append(UInt32(size))
        for sample in samples { append(sample) }
        try bytes.write(to: URL(fileURLWithPath: path))
    }

    /// Writes a mono sine of `frequency` Hz at `amplitude` (0 to 1), `seconds` long.
    public static func writeTone(_ path: String, frequency: Double = 440, amplitude: Double = 0.25, seconds: Double = 1, rate: Int = 48_000) throws {
        let samples = (0..<Int(seconds * Double(rate))).map { frame in
            Int16((amplitude * 32767 * sin(2 * Double.pi * frequency * Double(frame) / Double(rate))).rounded())
        }
        try write(path, samples: samples, rate: rate, channels: 1)
    }
}

import CSndFile
import Foundation
import Output
import TestSupport
import SystemCalls
import Testing

/// Writing sessions to files: exact samples, and no half-written files.
@Suite struct FileSinkTests {
    let folder = Repository.temporaryFolder()
    let ramp: [Float] = (0..<4000).map { Float($0 - 2000) / 1999 }

    @Test(arguments: [SampleFormat.s16, .s24, .s32, .float])
    func writesEachFrameAsTheEncoderMadeIt(format: SampleFormat) throws {
        let path = folder + "/ramp-\(format).wav"
        let sink = try FileSink(path: path, sampleRate: 48_000, channels: 2, format: format)
        try ramp.withUnsafeBufferPointer { try sink.write($0, frames: 2000) }
        try sink.finish()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var expected = [UInt8](repeating: 0, count: ramp.count * format.bytesPerSample)
        ramp.withUnsafeBufferPointer { format.encode($0, into: &expected) }
        if format == .s24 {
            // libsndfile stores the top three bytes of each 32-bit word.
            expected = stride(from: 0, to: expected.count, by: 4).flatMap { expected[($0 + 1)..<($0 + 4)] }
        }
        #expect(Array(data.suffix(expected.count)) == expected)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["ramp-\(format).wav"])
    }

    /// A WAV under 4 GiB is a plain RIFF WAV; one planned past that, an
    /// RF64 whose header counts every frame (a WAV header's count would
    /// wrap): here 50 minutes of 192 kHz float stereo.
    @Test func aWAVPastFourGibibytesCountsEveryFrame() throws {
        let small = folder + "/small.wav"
        let sink = try FileSink(path: small, sampleRate: 48_000, channels: 2, format: .float, frames: 2000)
        try ramp.withUnsafeBufferPointer { try sink.write($0, frames: 2000) }
        try sink.finish()
        let header = try #require(FileHandle(forReadingAtPath: small)).readData(ofLength: 4)
        #expect(String(decoding: header, as: UTF8.self) == "RIFF")

        let large = folder + "/large.wav"
        let frames = Int64(50 * 60 * 192_000)
        let big = try FileSink(path: large, sampleRate: 192_000, channels: 2, format: .float, frames: frames)
        let block = [Float](repeating: 0, count: 2 * 1 << 20)
        var written: Int64 = 0
        try block.withUnsafeBufferPointer { block in
            while written < frames {
                let count = Int(min(Int64(block.count / 2), frames - written))
                try big.write(block, frames: count)
                written += Int64(count)
            }
        }
        try big.finish()
        defer { unlink(large) }
        #expect(try Files.status(large).size > 1 << 32)
        // As any reader sees it: libsndfile's own count from the header.
        var info = SF_INFO()
        let file = try #require(sf_open(large, Int32(SFM_READ), &info))
        sf_close(file)
        #expect(info.frames == frames && info.format & Int32(SF_FORMAT_TYPEMASK) == Int32(SF_FORMAT_RF64))
    }

    @Test func anUnfinishedFileLeavesTheOldOneAndNoTrace() throws {
        let path = folder + "/session.wav"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path))
        do {
            let sink = try FileSink(path: path, sampleRate: 48_000, channels: 2)
            try ramp.withUnsafeBufferPointer { try sink.write($0, frames: 2000) }
            // Dropped without finish(), as when a render fails half way.
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["session.wav"])
    }

    @Test func aFileWrittenOverKeepsItsPermissions() throws {
        let path = folder + "/shared.wav"
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o640)
        let sink = try FileSink(path: path, sampleRate: 48_000, channels: 2)
        try ramp.withUnsafeBufferPointer { try sink.write($0, frames: 2000) }
        try sink.finish()
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o640)
        #expect(info.st_size > 2000 * 4)
    }

    @Test func refusesUnknownTypesAndImpossibleFormats() {
        #expect(throws: OutputError(target: folder + "/a.mp3", message: "unknown file type; expected a name ending in .wav or .flac")) {
            try FileSink(path: folder + "/a.mp3", sampleRate: 48_000, channels: 2)
        }
        #expect(throws: OutputError(target: folder + "/a.flac", message: "FLAC cannot store float samples")) {
            try FileSink(path: folder + "/a.flac", sampleRate: 48_000, channels: 2, format: .float)
        }
        #expect(throws: OutputError.self) {
            try FileSink(path: "/nonexistent-folder/a.wav", sampleRate: 48_000, channels: 2)
        }
    }

    @Test func encodingRoundsToNearestAndClamps() {
        let input: [Float] = [0, 1, -1, 0.5, 2, -2, 1.0 / 65534, -1.0 / 65534 * 0.99]
        var output = [Int16](repeating: 0, count: input.count)
        input.withUnsafeBufferPointer { SampleFormat.s16.encode($0, into: &output) }
        #expect(output == [0, 32767, -32767, 16384, 32767, -32767, 0, 0])
        var wide = [Int32](repeating: 0, count: 3)
        [Float(1), -1, 0.5].withUnsafeBufferPointer { SampleFormat.s24.encode($0, into: &wide) }
        #expect(wide == [8_388_607 << 8, -8_388_607 << 8, 4_194_304 << 8])
    }
}

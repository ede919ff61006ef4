import Audio
import CSndFile
import Foundation
import Output
import TestSupport
import Testing

/// Loading prompts: any format, rate and channel count, resampled to the session rate.
@Suite struct SoundFileTests {
    let folder = Repository.temporaryFolder()

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var format: Int32
        var rate: Int
        var channels: Int
        var description: String { "\(name) \(rate) Hz \(channels) ch" }
    }

    @Test(arguments: [
        Case(name: "a.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), rate: 48_000, channels: 1),
        Case(name: "b.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_24), rate: 44_100, channels: 2),
        Case(name: "c.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT), rate: 22_050, channels: 1),
        Case(name: "d.flac", format: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16), rate: 24_000, channels: 1),
        Case(name: "e.ogg", format: Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS), rate: 32_000, channels: 2),
        Case(name: "f.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), rate: 96_000, channels: 6),
    ])
    func readsAnyFormatAtTheSessionRate(_ test: Case) throws {
        let path = folder + "/" + test.name
        let seconds = 1.5
        try TestFiles.writeSine(path, format: test.format, rate: test.rate, channels: test.channels, seconds: seconds)
        let info = try SoundFile.info(path)
        #expect(info.sampleRate == test.rate && info.channels == test.channels)
        let sound = try SoundFile.read(path, rate: 48_000)
        #expect(sound.channels == min(test.channels, 2))
        #expect(sound.frames == Int(info.frames(atRate: 48_000)))
        #expect(abs(Double(sound.frames) - seconds * 48_000) <= 1)
        // Channel c carries a sine of 440 * (c + 1) Hz: each survives resampling where it was.
        for channel in 0..<sound.channels {
            let middle = (sound.frames / 4..<sound.frames * 3 / 4).map {
                Float(sound.samples[$0 * sound.channels + channel]) / PCM16.fullScale
            }
            let frequency = Signal.frequency(middle, rate: 48_000)
            #expect(abs(frequency - 440 * Double(channel + 1)) < 1, "channel \(channel): \(frequency) Hz")
            #expect(abs(Signal.rms(middle) - 0.5 / 2.0.squareRoot()) < 0.02)
        }
    }

    @Test func refusesWhatIsNotAudioNamingTheFile() throws {
        let path = folder + "/notes.wav"
        try "not a sound".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try SoundFile.info(path)
        } throws: { error in
            let message = (error as? SoundError)?.description ?? ""
            return message.hasPrefix(path + ": not a readable sound file (sf_open_fd: ")
        }
    }

    /// Found by FuzzSoundFile: an Ogg Vorbis file whose headers are cut
    /// short. libsndfile refuses it (and leaks its Vorbis state doing so,
    /// see Tests/Sanitizers/leaks.supp); the program names the file.
    @Test func aMalformedVorbisHeaderIsRefusedNamingTheFile() throws {
        let path = Repository.root + "/Tests/Fuzz/Findings/FuzzSoundFile/malformed-vorbis-header.ogg"
        #expect {
            try SoundFile.read(path, rate: 48_000)
        } throws: { error in
            (error as? SoundError)?.description == path + ": not a readable sound file (sf_open_fd: Supported file format but file is malformed.)"
        }
    }

    /// A float file's NaN and infinite samples are silence, read at its own
    /// rate or resampled: never a full-scale level, which a speaker takes
    /// as a DC offset. Loudness measures the sine around them.
    @Test(arguments: [48_000, 44_100]) func samplesThatAreNotNumbersAreSilence(rate: Int) throws {
        let path = folder + "/nan.wav"
        var info = SF_INFO()
        info.samplerate = Int32(rate)
        info.channels = 1
        info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        let file = try #require(sf_open(path, Int32(SFM_WRITE), &info))
        var samples = (0..<rate).map { Float(0.5 * sin(2 * Double.pi * 440 * Double($0) / Double(rate))) }
        for index in rate / 4..<rate / 2 { samples[index] = .nan }
        for index in rate / 2..<rate * 5 / 8 { samples[index] = .infinity }
        for index in rate * 5 / 8..<rate * 3 / 4 { samples[index] = -.infinity }
        #expect(sf_writef_float(file, samples, Int64(rate)) == Int64(rate))
        sf_close(file)

        let sound = try SoundFile.read(path, rate: 48_000)
        let heard = sound.samples.map { Float($0) / PCM16.fullScale }
        // No 100 ms anywhere with a level off zero, as a DC offset would have.
        for start in stride(from: 0, to: heard.count - 4800, by: 480) {
            let mean = heard[start..<(start + 4800)].reduce(0, +) / 4800
            #expect(abs(mean) < 0.2, "a mean of \(mean) from \(start)")
        }
        // The stretch that was not numbers, away from the resampler's edges, is silent.
        #expect(heard[13_000..<35_000].allSatisfy { $0 == 0 })
        let loudness = try Loudness(ofFile: path)
        #expect(abs(loudness.peak - -6.02) < 0.1, "peak \(loudness.peak) dBFS")
    }
}

/// Sound files made for tests through libsndfile.
enum TestFiles {
    /// Writes a sine of 440 * (channel + 1) Hz at amplitude 0.5 on every channel.
    static func writeSine(_ path: String, format: Int32, rate: Int, channels: Int, seconds: Double) throws {
        try write(path, format: format, rate: rate, channels: channels, frames: Int(seconds * Double(rate))) { frame, channel in
            Float(0.5 * sin(2 * Double.pi * 440 * Double(channel + 1) * Double(frame) / Double(rate)))
        }
    }

    /// Writes `frames` frames of `sample(frame, channel)` in `format`.
    static func write(
        _ path: String, format: Int32, rate: Int, channels: Int, frames: Int, sample: (Int, Int) -> Float
    ) throws {
        var info = SF_INFO()
        info.samplerate = Int32(rate)
        info.channels = Int32(channels)
        info.format = format
        let file = try #require(sf_open(path, Int32(SFM_WRITE), &info), "\(path): \(String(cString: sf_strerror(nil)))")
        defer { sf_close(file) }
        var samples = [Float](repeating: 0, count: frames * channels)
        for frame in 0..<frames {
            for channel in 0..<channels { samples[frame * channels + channel] = sample(frame, channel) }
        }
        #expect(sf_writef_float(file, samples, Int64(frames)) == Int64(frames))
    }
}

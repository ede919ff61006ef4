import Audio
import Glibc
import Logging
import Output
import Playback

/// The sound side of `packs record`: plays a prompt and a start tone,
/// records from an ALSA capture device until the speaker has been quiet for
/// a second, and plays a take back.
struct TakeRecorder {
    let playback: String
    let capture: String
    let logger: Logger

    /// Silence after the words that ends a take.
    static let endingSilence = 1.0
    /// How long to wait for the first word before giving up on a take.
    static let waitForWords = 10.0
    /// The longest take: a prompt is read, not a lecture.
    static let longestTake = 60.0

    /// What a recording held.
    enum Take {
        /// The samples (mono, at `rate`), from a little before the first word.
        case spoken([Float], rate: Int)
        /// Nothing louder than silence came within `waitForWords`.
        case silent
        /// A signal asked to stop.
        case stopped
    }

    /// Plays the mono sounds `sounds` makes at the device's rate, one after
    /// another, and returns once the device has played them out.
    func play(_ sounds: (Int) throws -> [Float]) throws(Failure) {
        let stream: DeviceStream
        do {
            stream = try DeviceStream(
                request: DeviceRequest(device: playback, sampleRate: 48_000, channels: 2), opener: ALSAOpener(logger: logger),
                logger: logger, giveUpAfter: .seconds(5), wait: Interruption.sleep)
        } catch {
            throw Failure("stretchcue: cannot open \(error)", .deviceUnavailable)
        }
        defer { stream.finish() }
        let format = stream.format
        var mono = try reportingFailures { try sounds(format.sampleRate) }
        // The buffer's worth of silence behind, so the end is heard before the device stops.
        mono += [Float](repeating: 0, count: format.bufferFrames)
        let frames = mono.count
        let interleaved = (0..<frames * format.channels).map { mono[$0 / format.channels] }
        var bytes = [UInt8](repeating: 0, count: frames * format.bytesPerFrame)
        interleaved.withUnsafeBufferPointer { input in
            bytes.withUnsafeMutableBytes { format.sampleFormat.encode(input, into: $0.baseAddress!) }
        }
        let wakeUp = WakeUp()
        let outcome = bytes.withUnsafeBytes { raw in
            stream.write(raw.baseAddress!, frames: frames, wakeUp: wakeUp) { _ in Interruption.caught != nil }
        }
        guard outcome != .lost else { throw Failure("stretchcue: the audio device '\(playback)' was lost", .deviceUnavailable) }
    }

    /// Records one take.
    func record() throws(Failure) -> Take {
        let device: ALSACapture
        do {
            device = try ALSACapture(device: capture, rate: 48_000)
        } catch {
            throw Failure("stretchcue: cannot record from \(error). Try --capture NAME (arecord -L lists them).", .deviceUnavailable)
        }
        let rate = device.rate
        let block = rate / 100
        var samples: [Float] = []
        var firstWord: Int?
        var quietSince = 0
        var emptyReads = 0
        while Interruption.caught == nil {
            let read: [Float]
            do {
                read = try device.read(frames: rate / 20, timeout: .milliseconds(500))
            } catch {
                throw Failure("stretchcue: recording stopped: \(error)", .deviceUnavailable)
            }
            emptyReads = read.isEmpty ? emptyReads + 1 : 0
            guard emptyReads < 10 else {
                throw Failure("stretchcue: the capture device '\(capture)' delivered nothing for 5 s; expected a working microphone", .deviceUnavailable)
            }
            let scanned = samples.count - samples.count % block
            samples += read
            for start in stride(from: scanned, to: samples.count - block + 1, by: block) {
                if VoiceTake.blockLevel(samples[start..<start + block]) > VoiceTake.silenceLevel {
                    if firstWord == nil { firstWord = start }
                    quietSince = start + block
                }
            }
            let length = Double(samples.count) / Double(rate)
            guard let firstWord else {
                if length >= Self.waitForWords { return .silent }
                continue
            }
            if Double(samples.count - quietSince) / Double(rate) >= Self.endingSilence || length >= Self.longestTake {
                // From a little before the first word: the rest is shaped away anyway.
                let from = max(0, firstWord - Int(VoiceTake.air * Double(rate)) * 2)
                return .spoken(Array(samples[from..<min(samples.count, quietSince + rate / 2)]), rate: rate)
            }
        }
        return .stopped
    }

    /// A short, soft tone that says "speak now": 880 Hz for 150 ms.
    static func startTone(rate: Int) -> [Float] {
        let frames = rate * 15 / 100
        let edge = Fade.frames(milliseconds: 10, rate: rate)
        return (0..<frames).map { frame in
            let fromEdge = min(frame, frames - 1 - frame)
            let envelope = fromEdge < edge ? Fade.gain(fromEdge, of: edge) : 1
            return 0.25 * envelope * Float(sin(2 * Double.pi * 880 * Double(frame) / Double(rate)))
        }
    }
}

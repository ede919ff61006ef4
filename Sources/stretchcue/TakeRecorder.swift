import Audio
import Glibc
import Output
import PackTools

/// Records a take for `packs record` from an ALSA capture device, until
/// the speaker has been quiet for a second.
struct TakeRecorder {
    let capture: String

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
    static func startTone(rate: Int) -> Sound {
        let frames = rate * 15 / 100
        let edge = Fade.frames(milliseconds: 10, rate: rate)
        return Sound(channels: 1, samples: (0..<frames).map { frame in
            let fromEdge = min(frame, frames - 1 - frame)
            let envelope = fromEdge < edge ? Fade.gain(fromEdge, of: edge) : 1
            return PCM16.quantize(0.25 * envelope * Float(sin(2 * Double.pi * 880 * Double(frame) / Double(rate))))
        })
    }
}

import Audio
import Logging
import Output
import Service
import SystemCalls

/// Plays sounds one after another on an ALSA device, outside a session:
/// the prompts and takes of `packs record`, the entries of `packs preview`.
/// The device stays open between clips; each returns once written, and
/// `drain` waits until the device has played it.
final class ClipPlayer {
    let stream: DeviceStream
    private let wakeUp = WakeUp()

    init(device: String, logger: Logger) throws(Failure) {
        do {
            let launcher = SessionLauncher(device: device, giveUpAfter: .seconds(5), logger: logger, wait: Interruption.sleep)
            stream = try launcher.openDevice(rate: 48_000, channels: 2)
        } catch {
            throw Failure(
                "stretchcue: cannot open \(error). Try `stretchcue devices` to list devices, or -D NAME.", .deviceUnavailable)
        }
    }

    /// The rate the device runs at: what the sounds played must be made at.
    var rate: Int { stream.format.sampleRate }

    /// Writes `sounds` (mono or stereo, at `rate`) one after another; stops
    /// early when a signal arrives.
    func play(_ sounds: [Sound]) throws(Failure) {
        let format = stream.format
        for sound in sounds where sound.frames > 0 && Interruption.caught == nil {
            var interleaved = [Float](repeating: 0, count: sound.frames * format.channels)
            for frame in 0..<sound.frames {
                let left = Float(sound.samples[frame * sound.channels]) / PCM16.fullScale
                let right = Float(sound.samples[frame * sound.channels + sound.channels - 1]) / PCM16.fullScale
                if format.channels == 1 {
                    interleaved[frame] = (left + right) / 2
                } else {
                    interleaved[frame * format.channels] = left
                    interleaved[frame * format.channels + 1] = right
                }
            }
            var bytes = [UInt8](repeating: 0, count: sound.frames * format.bytesPerFrame)
            interleaved.withUnsafeBufferPointer { input in
                bytes.withUnsafeMutableBytes { format.sampleFormat.encode(input, into: $0.baseAddress!) }
            }
            let outcome = bytes.withUnsafeBytes { raw in
                stream.write(raw.baseAddress!, frames: sound.frames, wakeUp: wakeUp) { _ in Interruption.caught != nil }
            }
            guard outcome != .lost else {
                throw Failure("stretchcue: the audio device '\(stream.request.device)' was lost", .deviceUnavailable)
            }
        }
    }

    deinit { stream.finish() }

    /// Returns once the device has played what it holds: a buffer of
    /// silence is written behind it. (While nothing is written after that,
    /// the device runs dry; the next clip starts it again.)
    func drain() throws(Failure) {
        try play([Sound(channels: 1, samples: [Int16](repeating: 0, count: stream.format.bufferFrames))])
    }

    /// `seconds` of silence at `rate`.
    static func silence(_ seconds: Double, rate: Int) -> Sound {
        Sound(channels: 1, samples: [Int16](repeating: 0, count: Int(seconds * Double(rate))))
    }
}

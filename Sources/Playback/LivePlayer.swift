import Audio
import Logging
import Output
import Timing

/// How a live session starts, stops and recovers.
public struct LiveSettings: Sendable {
    /// Silence written after every open, so a waking DAC or Bluetooth
    /// speaker does not swallow the first word.
    public var leadIn: Duration
    /// How long to keep reopening a lost device before giving up.
    public var giveUpAfter: Duration
    /// The fade-in when playing resumes in the middle of the session, and the
    /// fade-out when the user stops it.
    public var fadeIn: Duration
    public var fadeOut: Duration

    public init(
        leadIn: Duration = .seconds(1), giveUpAfter: Duration = .seconds(600), fadeIn: Duration = .milliseconds(30),
        fadeOut: Duration = .milliseconds(60)
    ) {
        self.leadIn = leadIn
        self.giveUpAfter = giveUpAfter
        self.fadeIn = fadeIn
        self.fadeOut = fadeOut
    }
}

/// What happened in a live session.
public struct PlaybackSummary: Equatable, Sendable {
    /// Session frames written to the device, at `sampleRate`.
    public var playedFrames: Int64
    public var sessionFrames: Int64
    public var sampleRate: Int
    public var underruns: Int
    public var suspends: Int
    public var reopens: Int
    /// Sounds that were not ready in time and played as silence.
    public var missedSounds: Int
    /// Whether the user stopped the session before its end.
    public var stopped: Bool

    /// One line for the user: played time, underruns, reopens.
    public var line: String {
        func clock(_ frames: Int64) -> String {
            let seconds = Int(frames / Int64(max(1, sampleRate)))
            return "\(seconds / 60):\(seconds % 60 < 10 ? "0" : "")\(seconds % 60)"
        }
        var parts = [
            "\(stopped ? "stopped after" : "played") \(clock(playedFrames)) of \(clock(sessionFrames))",
            "\(underruns) underrun\(underruns == 1 ? "" : "s")", "\(reopens) reopen\(reopens == 1 ? "" : "s")",
        ]
        if missedSounds > 0 { parts.append("\(missedSounds) sounds not ready in time") }
        return parts.joined(separator: ", ")
    }
}

/// Plays a session live: the audio thread's loop.
///
/// Whole periods are pulled from the mixer and written to the device; the
/// device's blocking writes pace the loop, so the sound card's clock is the
/// only clock. The stream never pauses: silence is written where nothing
/// sounds. When the device is lost, the session waits where it was; once the
/// device is back it plays the lead-in and goes on from the current step's
/// announcement (`Timeline.resumePoint`), so no cue is skipped.
public final class LivePlayer {
    private let stream: DeviceStream
    private let settings: LiveSettings
    private let logger: Logger
    private let makeMixer: (Int) throws -> Mixer
    private var mixer: Mixer

    /// - Parameter makeMixer: builds the session's mixer at a sample rate, in
    ///   live mode; called again only if a reopened device grants another rate.
    public init(
        stream: DeviceStream, settings: LiveSettings, logger: Logger, makeMixer: @escaping (Int) throws -> Mixer
    ) throws {
        self.stream = stream
        self.settings = settings
        self.logger = logger
        self.makeMixer = makeMixer
        mixer = try makeMixer(stream.format.sampleRate)
    }

    /// The session being played.
    public var timeline: Timeline { mixer.timeline }

    /// Plays the whole session, or until `shouldStop` says so (checked every
    /// period), then fades out, drains and closes the device.
    public func run(shouldStop: () -> Bool) throws(DeviceError) -> PlaybackSummary {
        var buffers = PeriodBuffers(stream.format)
        var position: Int64 = 0
        var preparer = SoundPreparer(mixer: mixer, from: 0, logger: logger)
        var stopped = false
        var fadeInLeft = 0

        stopped = !writeLeadIn(buffers, shouldStop: shouldStop)
        while !stopped, position < timeline.frames {
            if shouldStop() {
                fadeOut(from: position, buffers)
                stopped = true
                break
            }
            let count = Int(min(Int64(buffers.frames), timeline.frames - position))
            preparer.waitUntilReady(through: position + Int64(count))
            render(from: position, count: count, buffers)
            if fadeInLeft > 0 { fadeInLeft = fadeIn(buffers, count: count, left: fadeInLeft) }
            if stream.write(buffers.bytes, frames: count) {
                position += Int64(count)
                continue
            }
            // The device is gone. Whatever sat in its buffer was not heard.
            preparer.stop()
            let resume = timeline.resumePoint(for: max(0, position - Int64(stream.format.bufferFrames)))
            guard try stream.reopen(giveUpAfter: settings.giveUpAfter) else {
                stopped = true
                break
            }
            if stream.format.sampleRate != timeline.sampleRate {
                logger.notice("the device now runs at \(stream.format.sampleRate) Hz; rebuilding the session")
                do {
                    mixer = try makeMixer(stream.format.sampleRate)
                } catch {
                    logger.error("\(error)")
                    stopped = true
                    break
                }
            }
            buffers = PeriodBuffers(stream.format)
            position = timeline.frame(of: resume)
            preparer = SoundPreparer(mixer: mixer, from: position, logger: logger)
            stopped = !writeLeadIn(buffers, shouldStop: shouldStop)
            fadeInLeft = frames(settings.fadeIn)
        }
        preparer.stop()
        stream.finish()
        return PlaybackSummary(
            playedFrames: position, sessionFrames: timeline.frames, sampleRate: timeline.sampleRate,
            underruns: stream.underruns, suspends: stream.suspends, reopens: stream.reopens,
            missedSounds: mixer.missedSounds, stopped: stopped)
    }

    // MARK: Pieces of the loop

    /// Writes the lead-in silence; `false` if the device was lost or the user stopped meanwhile.
    private func writeLeadIn(_ buffers: PeriodBuffers, shouldStop: () -> Bool) -> Bool {
        buffers.silence()
        var left = frames(settings.leadIn)
        while left > 0 {
            if shouldStop() { return false }
            let count = min(left, buffers.frames)
            guard stream.write(buffers.bytes, frames: count) else { return false }
            left -= count
        }
        return true
    }

    private func render(from position: Int64, count: Int, _ buffers: PeriodBuffers) {
        do {
            try mixer.render(from: position, frames: count, into: buffers.samples)
        } catch {
            // Live mixers never make sounds while rendering, so never throw; be safe anyway.
            buffers.samples.update(repeating: 0)
        }
        buffers.encode(count: count)
    }

    /// Applies the resume fade-in to the first frames of the period; returns the frames still to fade.
    private func fadeIn(_ buffers: PeriodBuffers, count: Int, left: Int) -> Int {
        let length = frames(settings.fadeIn)
        let channels = stream.format.channels
        let fading = min(left, count)
        for frame in 0..<fading {
            let gain = Fade.gain(length - left + frame, of: length)
            for channel in 0..<channels { buffers.samples[frame * channels + channel] *= gain }
        }
        buffers.encode(count: count)
        return left - fading
    }

    /// Writes the next few milliseconds fading to silence.
    private func fadeOut(from position: Int64, _ buffers: PeriodBuffers) {
        let length = frames(settings.fadeOut)
        let channels = stream.format.channels
        var done = 0
        while done < length {
            let count = min(buffers.frames, length - done)
            render(from: position + Int64(done), count: count, buffers)
            for frame in 0..<count {
                let gain = Fade.gain(length - 1 - (done + frame), of: length)
                for channel in 0..<channels { buffers.samples[frame * channels + channel] *= gain }
            }
            buffers.encode(count: count)
            guard stream.write(buffers.bytes, frames: count) else { return }
            done += count
        }
    }

    private func frames(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) + Double(attoseconds) / 1e18
        return Int((total * Double(stream.format.sampleRate)).rounded())
    }
}

/// One period of float samples and the same in the device's format,
/// allocated once per device open, never in the loop.
final class PeriodBuffers {
    let frames: Int
    let format: DeviceFormat
    let samples: UnsafeMutableBufferPointer<Float>
    let bytes: UnsafeMutableRawPointer

    init(_ format: DeviceFormat) {
        self.format = format
        frames = format.periodFrames
        samples = .allocate(capacity: frames * format.channels)
        bytes = .allocate(byteCount: frames * format.bytesPerFrame, alignment: 16)
    }

    deinit {
        samples.deallocate()
        bytes.deallocate()
    }

    /// Fills both buffers with silence.
    func silence() {
        samples.update(repeating: 0)
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: frames * format.bytesPerFrame)
    }

    /// Converts the first `count` frames to the device's format.
    func encode(count: Int) {
        format.sampleFormat.encode(UnsafeBufferPointer(rebasing: samples[0..<count * format.channels]), into: bytes)
    }
}

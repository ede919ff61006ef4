import Audio
import Logging
import Output
import Synchronization
import SystemCalls

/// Keeps an idle box's device open and playing the keep-awake tone
/// (`KeepAwakeTone`), on a thread of its own, so a speaker that switches
/// itself off after minutes of digital silence stays on between sessions
/// (issue 32). Without `--keep-awake` the box closes its stream when idle
/// and takes no CPU time; with it, it wakes once a period to write one.
///
/// The thread opens the device, fades the tone in, and writes it period by
/// period, paced by the device, until `stop`: then it fades the tone out
/// (`KeepAwakeTone.fadeMilliseconds`), plays out what the device holds and
/// closes it, so the session that comes next opens the device itself. A
/// lost device is reopened as a session's would be; one that does not come
/// back within `giveUpAfter` ends the thread (`isFinished`), to be started
/// again by the box when the devices change.
///
/// While it plays, the thread takes no lock and allocates nothing: it
/// writes to the device and waits in its `poll`.
public final class KeepAwakeThread: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let wakeUp = WakeUp()
    private let thread = Mutex<BackgroundThread?>(nil)
    /// Frames of tone written since the device opened: for tests and the log.
    private let written = Atomic<Int64>(0)

    /// Starts the thread; `open` opens the device (given a test that says
    /// whether to give up waiting for a busy one).
    public init(
        open openDevice: @escaping @Sendable (_ stopping: @escaping @Sendable () -> Bool) throws(DeviceError) -> DeviceStream,
        giveUpAfter: Duration, logger: Logger
    ) {
        let running = BackgroundThread { [self] in
            let stopping = { @Sendable in self.stopping.load(ordering: .relaxed) }
            do throws(DeviceError) {
                let stream = try openDevice(stopping)
                logger.info("keeping '\(stream.request.device)' awake with a \(KeepAwakeTone.frequency) Hz tone at \(KeepAwakeTone.decibels) dBFS")
                play(on: stream, giveUpAfter: giveUpAfter, logger: logger)
            } catch {
                logger.warning("cannot keep the sound device awake: \(error)")
            }
            finished.store(true, ordering: .releasing)
        }
        thread.withLock { $0 = running }
    }

    /// Whether the thread has ended (stopped, or its device gone for good).
    public var isFinished: Bool { finished.load(ordering: .acquiring) }

    /// Frames written to the device so far.
    public var framesWritten: Int64 { written.load(ordering: .relaxed) }

    /// Asks the thread to fade the tone out, close the device and end.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        wakeUp.signal()
    }

    /// Waits for the thread to end.
    public func join() {
        let running = thread.withLock { thread -> BackgroundThread? in
            defer { thread = nil }
            return thread
        }
        running?.join()
    }

    private func play(on stream: DeviceStream, giveUpAfter: Duration, logger: Logger) {
        var format = stream.format
        var buffers = PeriodBuffers(format)
        var tone = KeepAwakeTone(sampleRate: format.sampleRate)
        /// Frames written since the device (re)opened, and where the tone ends.
        var frame: Int64 = 0
        var end = Int64.max
        let stopAsked = { self.stopping.load(ordering: .relaxed) }
        while frame < end {
            if end == .max, stopAsked() {
                // Out over the fade, then a buffer more to play it out.
                end = frame + Int64(tone.fadeFrames + format.bufferFrames)
            }
            let count = Int(min(Int64(buffers.frames), end - frame))
            let samples = UnsafeMutableBufferPointer(rebasing: buffers.samples[0..<count * format.channels])
            samples.update(repeating: 0)
            let toneEnd = end == .max ? end : end - Int64(format.bufferFrames)
            tone.add(into: samples, frames: count, channels: format.channels, from: frame, end: toneEnd)
            buffers.encode(count: count)
            switch stream.write(buffers.bytes, frames: count, wakeUp: wakeUp, abandon: { stalled in
                stalled > format.abandonAfter && stopAsked()
            }) {
            case .written:
                frame += Int64(count)
                written.add(Int64(count), ordering: .relaxed)
            case .abandoned:
                stream.abandon()
                return
            case .lost:
                do throws(DeviceError) {
                    guard try stream.reopen(giveUpAfter: giveUpAfter, stopping: stopAsked) else { return }
                } catch {
                    logger.warning("stopped keeping the sound device awake: \(error)")
                    return
                }
                // A new stream: the tone fades in again, at the rate it came back at.
                format = stream.format
                buffers = PeriodBuffers(format)
                tone = KeepAwakeTone(sampleRate: format.sampleRate)
                frame = 0
            }
        }
        stream.finish()
    }
}

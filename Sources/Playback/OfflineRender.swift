import Audio
import Output

/// Renders a whole session into a sink, one period at a time, so memory stays
/// the same however long the session is.
public enum OfflineRender {
    /// Frames rendered per step.
    public static let periodFrames = 16384

    /// Renders `mixer`'s whole timeline into `sink` and finishes it. Returns
    /// `false`, with the sink left unfinished, when `shouldStop` says so
    /// between two periods. A sound that cannot be made (a file changed or
    /// gone bad since the session was laid out) is handed to `soundFailed`
    /// once and rendered as silence; the session goes on. `progress` is
    /// told the frames rendered so far after every period.
    @discardableResult
    public static func run(
        _ mixer: Mixer, into sink: some AudioSink, shouldStop: () -> Bool = { false },
        progress: (Int64) -> Void = { _ in }, soundFailed: (SoundError) -> Void
    ) throws -> Bool {
        let channels = mixer.settings.channels
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: periodFrames * channels)
        defer { buffer.deallocate() }
        var frame: Int64 = 0
        while frame < mixer.timeline.frames {
            if shouldStop() { return false }
            let count = Int(min(Int64(periodFrames), mixer.timeline.frames - frame))
            do {
                try mixer.prepare(from: frame, to: frame + Int64(count))
            } catch {
                soundFailed(error)
            }
            try mixer.render(from: frame, frames: count, into: buffer)
            try sink.write(UnsafeBufferPointer(buffer), frames: count)
            frame += Int64(count)
            progress(frame)
        }
        try sink.finish()
        return true
    }
}

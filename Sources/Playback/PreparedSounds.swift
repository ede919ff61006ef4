import Audio
import SystemCalls

/// A live mixer and the sounds its preparer has made for it: the preparer
/// publishes each new `SoundTable` through a lock-free queue, the audio
/// thread swaps the newest in at the start of a period and sends the one
/// it let go of back, to be freed on the preparer's thread. So the audio
/// thread renders without a lock, and frees nothing.
///
/// `publish` is for the preparer's thread only; `takeNewest` and `render`
/// for the audio thread only (checked in debug builds).
final class PreparedSounds: @unchecked Sendable {
    // @unchecked: `current` is the audio thread's alone; tables cross
    // between the threads only through the two queues.
    let mixer: Mixer
    /// Tables made, oldest first, for the audio thread.
    private let made = SPSCQueue<SoundTable>(capacity: 2)
    /// Tables the audio thread let go of, for the preparer to free. Room
    /// for all it can take between two of the preparer's publications.
    private let spent = SPSCQueue<SoundTable>(capacity: 4)
    /// The table the audio thread renders from.
    private var current: SoundTable
    private let audioThread = OwningThread("the audio thread")
    private let preparerThread = OwningThread("the preparer's thread")

    /// Plays `mixer` from `table` until a newer one is published.
    init(mixer: Mixer, table: SoundTable) {
        self.mixer = mixer
        current = table
    }

    /// Frees the tables the audio thread let go of, then hands it `table`;
    /// `false`, and nothing handed over, while it has not taken the last ones.
    func publish(_ table: SoundTable) -> Bool {
        preparerThread.check()
        while spent.pop() != nil {}
        return made.push(table)
    }

    /// Swaps in the newest table published, sending the ones let go of back.
    func takeNewest() {
        audioThread.check()
        while !made.isEmpty, spent.push(current), let newer = made.pop() { current = newer }
    }

    /// Renders `frames` from `start` with the current table, as
    /// `Mixer.render(…, limiting: false, sounds:)` does.
    func render(from start: Int64, frames: Int, gains: LiveGains, into output: UnsafeMutableBufferPointer<Float>) {
        audioThread.check()
        do {
            try mixer.render(from: start, frames: frames, into: output, gains: gains, limiting: false, sounds: current)
        } catch {
            // A render from a table makes nothing, so never throws; be safe anyway.
            output.update(repeating: 0)
        }
    }
}

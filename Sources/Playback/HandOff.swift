import Audio
import Output
import Synchronization
import SystemCalls
import Timing

/// Everything the control thread and the audio thread share, and the only
/// way they talk: settings and readings as atomics, work as two queues that
/// never lock or allocate, and a wake-up that interrupts the audio thread's
/// wait on the device.
final class HandOff: Sendable {
    // From the control thread: what the user asked for. (`paused` is the
    // control side's own record; the audio thread learns of a pause with its
    // earcon, so the two start in the same period.)
    let paused = Atomic<Bool>(false)
    let stopRequested = Atomic<Bool>(false)
    let volumeSteps = Atomic<Int>(0)
    let breathOn = Atomic<Bool>(true)

    // From the audio thread: where the session is.
    /// The session frame of the period being written.
    let writePosition = Atomic<Int64>(0)
    /// The session frame being heard: written, less what the device holds.
    let heardPosition = Atomic<Int64>(0)
    /// Times the session went back to a step's announcement once the device
    /// was back; counted after `heardPosition` moved there.
    let stepsReplayed = Atomic<Int>(0)
    /// Frames written to the device, lead-ins included, and what it held after the last write.
    let framesWritten = Atomic<Int64>(0)
    let queued = Atomic<Int>(0)
    let longestKeyLatency = Atomic<Int>(0)
    /// Switches the audio thread has taken from `toAudio`, counted.
    let switchesTaken = Atomic<Int>(0)
    /// The layout switches must be made for; the audio thread moves it on
    /// when it rebuilds the session for a device back at another rate.
    let layout = Atomic<Int>(0)

    /// Work for the audio thread, taken once a period.
    let toAudio = SPSCQueue<Mail>(capacity: 32)
    /// What the audio thread is done with, to be freed off it, and news.
    let toControl = SPSCQueue<Notice>(capacity: 256)
    /// Signalled with every mail, so a wait on the device ends at once.
    let wakeUp = WakeUp()

    /// The master volume in dB.
    var volume: Double { Double(volumeSteps.load(ordering: .relaxed)) * PlayerControl.volumeStep }

    /// Posts `mail` and wakes the audio thread; `false` when the queue is full.
    func post(_ mail: Mail) -> Bool {
        guard toAudio.push(mail) else { return false }
        wakeUp.signal()
        return true
    }
}

/// Work for the audio thread.
enum Mail: Sendable {
    /// A key's earcon, to lay over the session now.
    case earcon(PostedEarcon)
    /// Spoken status, to lay over the ducked session.
    case speech(Sound)
    /// A new layout or place of the session.
    case move(Switch)
}

/// From the audio thread to the control thread.
enum Notice: Sendable {
    /// A preparer the audio thread no longer uses: to be stopped and freed,
    /// with the mixer and the sound tables it keeps alive.
    case preparer(SoundPreparer)
    /// A sound done with.
    case sound(Sound)
    /// The session was laid out anew for a device back at another rate;
    /// switches are made for `layout` from now on.
    case rebuilt(Timeline, channels: Int, layout: Int)
}

/// An earcon sent, and what the device held when its key came.
struct PostedEarcon: Sendable {
    /// `nil` when the earcon plays on a device of its own (`ReplyPlayer`) and only the pause comes here.
    var sound: Sound?
    var framesWritten: Int64
    var queued: Int
    /// A pause (`true`) or resume that comes with this earcon.
    var paused: Bool?
}

/// A move to another place or another layout of the session.
struct Switch: Sendable {
    /// The session's new mixer, and its preparer, making its sounds from `from` on.
    var mixer: Mixer
    var preparer: SoundPreparer
    /// Where to play from; `nil` to go on where the audio thread is.
    var position: Int64?
    /// The `HandOff.layout` it was made for.
    var layout: Int
    /// Where its sounds are made from. The audio thread plays on as it was
    /// until the preparer has published the second from there: the control
    /// thread never waits.
    var from: Int64

    /// The frame through which the sounds must be published before the move is heard.
    var readyThrough: Int64 { from + Int64(mixer.timeline.sampleRate) }
}

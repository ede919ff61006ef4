import Audio
import Glibc
import SystemCalls

/// Makes each period the device plays: the session from its mixer, shaped
/// by what the user asked for (pause, volume, breathing tones, a jump, the
/// stop), the overlays on top, and one final limiter over all of it, so no
/// sample ever leaves outside [-1, 1].
///
/// Every transition lasts a fixed time in frames, however long a period is,
/// carried over as many periods as it takes: a pause fades the session out
/// in 30 ms and a resume back in, a volume or breathing change ramps over
/// 30 ms, a jump crossfades over 40 ms at equal power (the two places are
/// unrelated sounds), a new layout at the same place crossfades at equal
/// gain (the same sounds), and a stop fades out over `LiveSettings.fadeOut`.
///
/// It touches no device and no thread: given the same mixers, sounds and
/// wishes, it makes the same samples. It is the audio thread's alone
/// (checked in debug builds): copies kept to make periods again share the check.
struct PeriodRenderer {
    static let pauseFade = 30.0
    static let gainRamp = 30.0
    static let crossfade = 40.0

    /// What the user asks of the session for the coming period.
    struct Wishes: Equatable {
        var paused = false
        var gains = LiveGains()
        /// Fade out for good.
        var stopping = false
    }

    let channels: Int
    var overlays: Overlays
    /// The keep-awake tone under everything, after the limiter, at the
    /// device's stream frames: it goes on through pauses and jumps.
    let keepAwake: KeepAwakeTone?
    private let pauseFrames: Int
    private let gainFrames: Int
    private let crossfadeFrames: Int
    private let fadeInFrames: Int
    private let stopFrames: Int

    /// The session's level, 0 to 1 along a raised cosine: 0 is silent and still.
    private var level = 1.0
    /// The gains ramping from one setting to another, and how far along (in frames).
    private var gains = (from: LiveGains(), to: LiveGains(), done: Int.max)
    /// The place or layout being left, fading out under the new one.
    private var outgoing: (sounds: PreparedSounds, position: Int64, done: Int, equalPower: Bool)?
    private let audioThread = OwningThread("the audio thread")

    init(sampleRate: Int, channels: Int, fadeIn: Duration, fadeOut: Duration, keepAwake: Bool = false) {
        self.channels = channels
        self.keepAwake = keepAwake ? KeepAwakeTone(sampleRate: sampleRate) : nil
        overlays = Overlays(sampleRate: sampleRate)
        func frames(_ milliseconds: Double) -> Int { max(1, Fade.frames(milliseconds: milliseconds, rate: sampleRate)) }
        pauseFrames = frames(Self.pauseFade)
        gainFrames = frames(Self.gainRamp)
        crossfadeFrames = frames(Self.crossfade)
        fadeInFrames = frames(fadeIn.milliseconds)
        stopFrames = frames(fadeOut.milliseconds)
    }

    /// Whether the session is silent and still: paused, or stopped, its fade done.
    var isSilent: Bool { level == 0 }

    /// Whether a crossfade from another place or layout is still going on.
    var isCrossfading: Bool { outgoing != nil }

    /// Starts the session from silence, fading in (after a device came back).
    mutating func startSilent() {
        level = 0
        outgoing = nil
    }

    /// Crossfades from `sounds` at `position` into whatever is rendered next;
    /// at equal power for a jump, at equal gain for the same place in a new
    /// layout. Nothing to fade from while silent.
    mutating func crossfade(from sounds: PreparedSounds, at position: Int64, jump: Bool) {
        outgoing = isSilent ? nil : (sounds, position, 0, jump)
    }

    /// Renders `count` frames of `sounds` from `position`, as `wishes` says,
    /// into `buffers` (floats and device format). Returns the session frames
    /// the period used: fewer than `count` when a pause or stop ends inside
    /// it, none while silent. `streamFrame` is where the period starts in
    /// the device's stream since it opened: where the keep-awake tone is.
    mutating func render(
        _ sounds: PreparedSounds, at position: Int64, count: Int, wishes: Wishes, into buffers: PeriodBuffers,
        streamFrame: Int64 = 0
    ) -> Int {
        audioThread.check()
        let output = UnsafeMutableBufferPointer(rebasing: buffers.samples[0..<count * channels])
        if wishes.gains != gains.to {
            // From wherever the last ramp had got to.
            gains = (blend(gains.from, gains.to, gainWeight(0)), wishes.gains, 0)
        }
        let target = wishes.paused || wishes.stopping ? 0.0 : 1.0
        var used = count
        if isSilent && target == 0 {
            // Paused: silence, and nothing of the session is used.
            output.update(repeating: 0)
            outgoing = nil
            gains.done = Int.max
            used = 0
        } else {
            renderSession(sounds, at: position, count: count, into: output, scratch: buffers.other)
            if let fading = outgoing { crossfade(fading, count: count, into: output, scratch: buffers.third) }
            used = applyLevel(toward: target, stopping: wishes.stopping, count: count, to: output)
        }
        overlays.mix(into: output, count: count, channels: channels, gain: wishes.gains.master)
        Limiter.apply(output)
        keepAwake?.add(into: output, frames: count, channels: channels, from: streamFrame)
        buffers.encode(count: count)
        return used
    }

    /// The session with the gains of the moment, ramping where they change.
    private mutating func renderSession(
        _ sounds: PreparedSounds, at position: Int64, count: Int, into output: UnsafeMutableBufferPointer<Float>,
        scratch: UnsafeMutableBufferPointer<Float>
    ) {
        guard gains.done < gainFrames else {
            sounds.render(from: position, frames: count, gains: gains.to, into: output)
            return
        }
        sounds.render(from: position, frames: count, gains: gains.from, into: output)
        sounds.render(from: position, frames: count, gains: gains.to, into: scratch)
        for frame in 0..<count {
            let weight = gainWeight(frame)
            for channel in 0..<channels {
                let index = frame * channels + channel
                output[index] += (scratch[index] - output[index]) * weight
            }
        }
        gains.done += count
    }

    /// Lays the place being left under the new one, fading it out.
    private mutating func crossfade(
        _ fading: (sounds: PreparedSounds, position: Int64, done: Int, equalPower: Bool), count: Int,
        into output: UnsafeMutableBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>
    ) {
        fading.sounds.render(from: fading.position, frames: count, gains: gains.to, into: scratch)
        for frame in 0..<count {
            let progress = min(1, Double(fading.done + frame + 1) / Double(crossfadeFrames + 1))
            let (rising, falling) =
                fading.equalPower
                ? (Float(sin(progress * .pi / 2)), Float(cos(progress * .pi / 2)))
                : (Fade.gain(fading.done + frame, of: crossfadeFrames), 1 - Fade.gain(fading.done + frame, of: crossfadeFrames))
            for channel in 0..<channels {
                let index = frame * channels + channel
                output[index] = output[index] * rising + scratch[index] * falling
            }
        }
        let done = fading.done + count
        outgoing = done >= crossfadeFrames ? nil : (fading.sounds, fading.position + Int64(count), done, fading.equalPower)
    }

    /// Moves the session's level toward `target` a frame at a time and
    /// applies it; returns the frames used before the level reached silence.
    private mutating func applyLevel(
        toward target: Double, stopping: Bool, count: Int, to output: UnsafeMutableBufferPointer<Float>
    ) -> Int {
        guard level != target else { return count }
        let step = 1 / Double(target > level ? fadeInFrames : stopping ? stopFrames : pauseFrames)
        for frame in 0..<count {
            if level == 0 && target == 0 {
                UnsafeMutableBufferPointer(rebasing: output[(frame * channels)...]).update(repeating: 0)
                return frame
            }
            level = target > level ? min(target, level + step) : max(target, level - step)
            // Exactly the ramp's length in frames, whatever the rounding.
            if abs(level - target) < step / 2 { level = target }
            let gain = Float(0.5 - 0.5 * cos(Double.pi * level))
            for channel in 0..<channels { output[frame * channels + channel] *= gain }
        }
        return count
    }

    /// How far the gain ramp has got at `frame` of this period, 0 to 1.
    private func gainWeight(_ frame: Int) -> Float {
        let done = gains.done == Int.max ? gainFrames : gains.done + frame
        return done >= gainFrames ? 1 : Fade.gain(done, of: gainFrames)
    }

    private func blend(_ from: LiveGains, _ to: LiveGains, _ weight: Float) -> LiveGains {
        func mix(_ a: Float, _ b: Float) -> Float { a + (b - a) * weight }
        return LiveGains(
            voice: mix(from.voice, to.voice), chime: mix(from.chime, to.chime), breath: mix(from.breath, to.breath),
            master: mix(from.master, to.master))
    }
}

extension Duration {
    /// The duration in milliseconds.
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}

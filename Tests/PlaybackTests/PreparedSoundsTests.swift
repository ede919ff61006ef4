import Audio
import InMemoryLogging
import Output
import SystemCalls
import TestSupport
import Testing
import Timing

@testable import Playback

/// How sounds reach the audio thread: tables published by the preparer,
/// swapped in by the audio thread, freed back on the preparer's side; and
/// a move played from once its sounds are published.
@Suite struct PreparedSoundsTests {
    let session: ShortSession
    init() throws { session = try ShortSession() }

    /// `count` frames of `sounds` from `start`, as the audio thread renders them.
    func render(_ sounds: PreparedSounds, from start: Int64, count: Int) -> [Float] {
        var samples = [Float](repeating: 0, count: count * 2)
        samples.withUnsafeMutableBufferPointer { sounds.render(from: start, frames: count, gains: LiveGains(), into: $0) }
        return samples
    }

    /// The table the audio thread lets go of is not freed by it: it lives
    /// on until the preparer next publishes, and is freed there.
    @Test func aTableLetGoOfIsFreedOnThePreparersSide() throws {
        let mixer = try session.source.mixer(for: session.timeline, channels: 2)
        let sounds = PreparedSounds(mixer: mixer, table: mixer.table())
        weak var first: SoundTable?
        do {
            let table = mixer.table()
            first = table
            #expect(sounds.publish(table))
        }
        sounds.takeNewest()
        #expect(sounds.publish(mixer.table()))
        sounds.takeNewest()
        #expect(first != nil, "the audio thread freed the table it let go of")
        #expect(sounds.publish(mixer.table()))
        #expect(first == nil, "the preparer did not free the table let go of")
    }

    /// The audio thread plays the sounds it has taken, not those published
    /// since: until it takes the new table, what was not made is silence.
    @Test func soundsArePlayedOnlyOnceTaken() throws {
        let mixer = try session.source.mixer(for: session.timeline, channels: 2)
        let sounds = PreparedSounds(mixer: mixer, table: mixer.table())
        try mixer.prepare(from: 0, to: session.timeline.frames)
        #expect(sounds.publish(mixer.table()))
        #expect(render(sounds, from: 0, count: 4_800).allSatisfy { $0 == 0 })
        sounds.takeNewest()
        let heard = render(sounds, from: 0, count: 4_800)
        // As `render` makes it, before the limiter (which the opening bell stays under).
        #expect(firstDifference(heard, session.rendered[0..<9_600]) == nil)
    }

    /// A move's preparer wakes the audio thread when it has published the
    /// sounds of the move's target, and from then the target plays as rendered.
    @Test func aMoveIsPlayableOnceItsSoundsArePublishedAndWakesTheAudioThread() throws {
        let timeline = session.timeline
        let target = timeline.steps[1].start
        let mixer = try session.source.mixer(for: timeline, channels: 2)
        let published = WakeUp()
        let preparer = SoundPreparer(mixer: mixer, from: target, logger: InMemoryLogHandler().logger, firstPublished: published)
        defer { preparer.stop() }
        #expect(published.wait(upTo: .seconds(20)), "no wake-up when the move's sounds were published")
        #expect(preparer.isReady(through: target + Int64(timeline.sampleRate)))
        preparer.sounds.takeNewest()
        let heard = render(preparer.sounds, from: target, count: 48_000)
        let window = Int(target) * 2..<Int(target + 48_000) * 2
        #expect(firstDifference(heard, session.rendered[window]) == nil)
        #expect(mixer.missedSounds == 0)
    }

    /// On a device faster than real time the audio thread waits for a
    /// move's sounds: woken by their publication, not by looking again.
    @Test func waitingUntilReadyReturnsOnceTheSoundsArePublished() throws {
        let timeline = session.timeline
        let target = timeline.steps[1].start
        let mixer = try session.source.mixer(for: timeline, channels: 2)
        let preparer = SoundPreparer(mixer: mixer, from: target, logger: InMemoryLogHandler().logger)
        defer { preparer.stop() }
        preparer.waitUntilReady(from: target, through: target + Int64(timeline.sampleRate))
        #expect(preparer.isReady(through: target + Int64(timeline.sampleRate)))
        preparer.sounds.takeNewest()
        let heard = render(preparer.sounds, from: target, count: 4_800)
        let window = Int(target) * 2..<Int(target + 4_800) * 2
        #expect(firstDifference(heard, session.rendered[window]) == nil)
    }

    /// A stopped preparer lets a wait for its sounds end at once.
    @Test func waitingOnAStoppedPreparerEnds() throws {
        let mixer = try session.source.mixer(for: session.timeline, channels: 2)
        let preparer = SoundPreparer(mixer: mixer, from: 0, logger: InMemoryLogHandler().logger)
        preparer.stop()
        preparer.waitUntilReady(from: 0, through: session.timeline.frames + 1)
        #expect(!preparer.isReady(through: session.timeline.frames + 1))
    }
}

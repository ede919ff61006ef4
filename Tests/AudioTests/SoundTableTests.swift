import Dispatch
import Routines
import TestSupport
import Testing
import Timing

@testable import Audio

/// A live mixer renders from a table of its sounds: without its lock, and
/// exactly what an offline render plays.
@Suite struct SoundTableTests {
    static let rate = 48_000
    let bank: SoundBank
    let timeline: Timeline

    init() throws {
        bank = try SoundBank(sampleRate: Self.rate, voiceFolder: Repository.voiceFolder)
        timeline = try Timeline(routine: BuiltInRoutines.backTension, options: SessionOptions(), sounds: bank)
    }

    /// A live mixer with the sounds of its first pose's first seconds made, and where they play.
    func prepared() throws -> (mixer: Mixer, table: SoundTable, from: Int64) {
        let mixer = try Mixer(timeline: timeline, bank: bank, settings: MixSettings(channels: 2), supply: .prepared)
        let from = timeline.steps[0].start
        try mixer.prepare(from: from, to: from + 3 * Int64(Self.rate))
        return (mixer, mixer.table(), from)
    }

    /// While another thread holds the lock on the mixer's sounds (as the
    /// preparer does to store them), a render from a table still ends: it
    /// would wait for ever if it took that lock.
    @Test func aRenderFromATableNeverWaitsForTheMixersLock() throws {
        let (mixer, table, from) = try prepared()
        let locked = DispatchSemaphore(value: 0)
        let unlock = DispatchSemaphore(value: 0)
        let rendered = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            mixer.withSoundsLocked {
                locked.signal()
                unlock.wait()
            }
        }
        locked.wait()
        nonisolated(unsafe) var samples: [Float] = []
        DispatchQueue.global().async {
            samples = (try? Render.frames(mixer, from: from, count: 4_800, sounds: table)) ?? []
            rendered.signal()
        }
        let finished = rendered.wait(timeout: .now() + .seconds(20)) == .success
        unlock.signal()
        // A render that did wait ends now: wait for it before reading what it wrote.
        if !finished { rendered.wait() }
        #expect(finished, "the render waited for the lock the preparer holds")
        let offline = try Mixer(timeline: timeline, bank: bank, settings: MixSettings(channels: 2))
        let expected = try Render.frames(offline, from: from, count: 4_800)
        #expect(samples.count == expected.count)
        #expect(firstDifference(samples, expected) == nil)
        #expect(samples.contains { $0 != 0 }, "the pose's announcement sounds")
    }

    /// A table is what was made when it was taken: a sound made after it
    /// is not in it, and plays as silence from it, counted as missed.
    @Test func aTableHoldsWhatWasMadeWhenItWasTaken() throws {
        let mixer = try Mixer(timeline: timeline, bank: bank, settings: MixSettings(channels: 2), supply: .prepared)
        let before = mixer.table()
        let from = timeline.steps[0].start
        try mixer.prepare(from: from, to: from + 3 * Int64(Self.rate))
        let silent = try Render.frames(mixer, from: from, count: 4_800, sounds: before)
        #expect(silent.allSatisfy { $0 == 0 })
        #expect(mixer.missedSounds > 0)
        let heard = try Render.frames(mixer, from: from, count: 4_800, sounds: mixer.table())
        #expect(heard.contains { $0 != 0 })
    }
}

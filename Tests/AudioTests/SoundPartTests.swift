import Audio
import CSndFile
import Glibc
import Routines
import TestSupport
import Testing
import Timing

/// Long sounds are made in parts: each part is the frames of the whole, and
/// a live mixer holds only the parts of the next seconds.
@Suite struct SoundPartTests {
    let folder = Repository.temporaryFolder()

    /// Parts of 0.37 s: boundaries that fall on no round number of input frames.
    static func parts(of frames: Int64) -> [Range<Int64>] {
        stride(from: 0, to: frames, by: 17_760).map { $0..<min(frames, $0 + 17_760) }
    }

    @Test(arguments: [
        SoundFileTests.Case(name: "same.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), rate: 48_000, channels: 1),
        SoundFileTests.Case(name: "cd.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_24), rate: 44_100, channels: 2),
        SoundFileTests.Case(name: "voice.flac", format: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16), rate: 24_000, channels: 1),
        SoundFileTests.Case(name: "odd.ogg", format: Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS), rate: 22_050, channels: 2),
        SoundFileTests.Case(name: "coprime.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT), rate: 44_099, channels: 1),
    ])
    func aFileReadPartByPartIsTheWholeWithinTwoSteps(_ test: SoundFileTests.Case) throws {
        let path = folder + "/" + test.name
        try TestFiles.writeSine(path, format: test.format, rate: test.rate, channels: test.channels, seconds: 2.5)
        let whole = try SoundFile.read(path, rate: 48_000)
        let parts = Self.parts(of: Int64(whole.frames))
        let inOrder = try SoundReader(path, rate: 48_000)
        let joined = try parts.flatMap { try inOrder.read($0).samples }
        #expect(joined.count == whole.samples.count)
        let steps = zip(joined, whole.samples).map { abs(Int($0) - Int($1)) }.max() ?? .max
        #expect(steps <= (test.rate == 48_000 ? 0 : 2), "largest difference \(steps) steps")
        // Read backwards, the file sought or read again from its start: a
        // part does not depend on what was read before it.
        let backwards = try SoundReader(path, rate: 48_000)
        for part in parts.reversed() {
            let sound = try backwards.read(part)
            #expect(sound.frames == part.count)
            let offset = Int(part.lowerBound) * sound.channels
            #expect(sound.samples == Array(joined[offset..<offset + sound.samples.count]), "\(part)")
        }
    }

    @Test func synthesizedSoundsInPartsAreExactlyTheWhole() {
        let rate = 44_100
        for kind in [CueKind.bellEnd, .chimeSwitch] {
            let whole = Chimes.sound(for: kind, rate: rate)
            let joined = Self.parts(of: Int64(whole.frames)).flatMap {
                Chimes.sound(for: kind, rate: rate, part: Int($0.lowerBound)..<Int($0.upperBound)).samples
            }
            #expect(joined == whole.samples, "\(kind.rawValue)")
        }
        for kind in [CueKind.breathInhale, .breathExhale] {
            let whole = BreathTones.sound(for: kind, frames: 6 * rate, rate: rate, joined: true)
            let joined = Self.parts(of: Int64(whole.frames)).flatMap {
                BreathTones.sound(
                    for: kind, frames: 6 * rate, rate: rate, joined: true,
                    part: Int($0.lowerBound)..<Int($0.upperBound)
                ).samples
            }
            #expect(joined == whole.samples, "\(kind.rawValue)")
        }
        // An empty part, inside the sound or past its end, is no frames.
        for part in [5000..<5000, 10 * rate..<11 * rate] {
            #expect(Chimes.sound(for: .chimeStart, rate: rate, part: part).frames == 0)
            #expect(BreathTones.sound(for: .breathInhale, frames: 6 * rate, rate: rate, joined: true, part: part).frames == 0)
        }
    }

    /// A fade's gains come the same whichever run of frames asks for them
    /// (so a part fades as the whole does), and they are the raised cosine.
    @Test func aFadesGainsAreTheSameInAnyRunAndFollowTheCurve() {
        for length in [1, 63, 64, 65, 14_400] {
            var whole: [Float] = []
            Fade.forEachGain(in: 0..<length, of: length) { index, gain in
                #expect(index == whole.count)
                whole.append(gain)
            }
            #expect(whole.count == length)
            let worst = whole.indices.map { abs(whole[$0] - Fade.gain($0, of: length)) }.max()!
            #expect(worst < 1e-6, "length \(length): \(worst) off the curve")
            for run in [0..<1, 1..<2, 63..<65, 100..<1_000, length - 1..<length] where run.upperBound <= length {
                var gains: [Float] = []
                Fade.forEachGain(in: run, of: length) { _, gain in gains.append(gain) }
                #expect(gains == Array(whole[run]), "length \(length), frames \(run)")
            }
        }
    }

    /// A 60 s prompt in a live mixer: whatever window is prepared, memory
    /// holds that window and at most a part on each side, not the prompt.
    @Test func aLiveMixerHoldsOnlyThePartsOfTheWindow() throws {
        let rate = 48_000
        let prompt = folder + "/long.wav"
        try TestFiles.writeSine(prompt, format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), rate: 24_000, channels: 1, seconds: 60)
        let routine = Routine(
            name: "Long", hold: 5, settle: 1, rest: 1,
            poses: [Pose(id: "long", name: "Long", prompt: PromptRef(.file(prompt)))])
        let bank = try SoundBank(sampleRate: rate, voiceFolder: Repository.voiceFolder)
        let timeline = try Timeline(routine: routine, options: SessionOptions(), sounds: bank)
        let cue = try #require(timeline.cues.first { $0.prompt?.source == .file(prompt) })
        let settings = MixSettings(muted: [.chime, .breath], channels: 2)
        let live = try Mixer(timeline: timeline, bank: bank, settings: settings, supply: .prepared)
        let window = Int64(6 * rate)
        let bound = Int(window) + 2 * Int(Mixer.partSeconds + Mixer.partSeconds / 2) * rate
        var start = cue.frame
        while start < cue.end {
            try live.prepare(from: start, to: start + window)
            #expect(live.framesInMemory <= bound, "at \(start): \(live.framesInMemory) frames")
            start += Int64(rate) * 7 / 3
        }
        // And what it plays is what an offline render of the whole plays.
        let offline = try Mixer(timeline: timeline, bank: bank, settings: settings)
        let from = cue.frame + Int64(30 * rate) - 100
        try live.prepare(from: from, to: from + window)
        #expect(try Render.frames(live, from: from, count: 4_800) == Render.frames(offline, from: from, count: 4_800))
        #expect(live.missedSounds == 0)
    }

    /// A reader that must go back in its file (an Ogg Vorbis file, whose
    /// seeks are not exact, is read again from its start) reads the file it
    /// opened, not a shorter six-channel one renamed over its path since.
    @Test func aReaderGoingBackReadsTheFileItOpenedNotOneRenamedOverIt() throws {
        let path = folder + "/swapped.ogg"
        try TestFiles.writeSine(path, format: Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS), rate: 22_050, channels: 1, seconds: 2.5)
        let reader = try SoundReader(path, rate: 48_000)
        let parts = Self.parts(of: reader.info.frames(atRate: 48_000))
        let forwards = try parts.map { try reader.read($0).samples }
        try TestFiles.writeSine(folder + "/other.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), rate: 8_000, channels: 6, seconds: 0.2)
        #expect(rename(folder + "/other.wav", path) == 0)
        for (part, samples) in zip(parts, forwards).reversed() {
            #expect(try reader.read(part).samples == samples, "\(part)")
        }
    }

    /// A prompt renamed over by a shorter stereo file between its two plays
    /// in a live session: where it was due again is silence, the preparer
    /// is told once (naming the file), the mixer counts it missed, and the
    /// session goes on.
    @Test func aPromptRenamedOverBetweenPlaysIsSilenceCountedAndToldOnce() throws {
        let rate = 48_000
        let prompt = folder + "/changing.wav"
        try TestFiles.writeSine(prompt, format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), rate: 24_000, channels: 1, seconds: 5)
        let routine = Routine(
            name: "Changing", rounds: 2, hold: 3, settle: 1, rest: 1,
            poses: [Pose(id: "changing", name: "Changing", prompt: PromptRef(.file(prompt)))])
        let bank = try SoundBank(sampleRate: rate, voiceFolder: Repository.voiceFolder)
        let timeline = try Timeline(routine: routine, options: SessionOptions(), sounds: bank)
        let plays = timeline.cues.filter { $0.prompt?.source == .file(prompt) }
        try #require(plays.count == 2)
        let live = try Mixer(
            timeline: timeline, bank: bank, settings: MixSettings(muted: [.chime, .breath], channels: 2), supply: .prepared)
        let second = Int64(rate)
        var failures: [SoundError] = []
        var heard: [Float] = []
        var start: Int64 = 0
        while start < timeline.frames {
            // Once the first play is over, a shorter stereo file is renamed over the prompt.
            if start >= plays[0].end && start - second < plays[0].end {
                try TestFiles.writeSine(
                    folder + "/other.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), rate: 48_000, channels: 2, seconds: 0.5)
                #expect(rename(folder + "/other.wav", prompt) == 0)
            }
            // As the preparer does: the next three seconds made, once a second.
            do {
                try live.prepare(from: start, to: start + 3 * second)
            } catch {
                failures.append(error)
            }
            let count = Int(min(second, timeline.frames - start))
            let frames = try Render.frames(live, from: start, count: count)
            let (from, to) = (max(start, plays[1].frame), min(start + Int64(count), plays[1].end))
            if from < to { heard += frames[Int(from - start) * 2..<Int(to - start) * 2] }
            start += Int64(count)
        }
        // Each of its two parts fails once, not at every look ahead, with one message to log.
        #expect(failures.count == 2 && failures.allSatisfy { $0.file == prompt }, "\(failures)")
        #expect(Set(failures.map(\.description)).count == 1)
        #expect(heard.count == Int(plays[1].length) * 2)
        #expect(heard.allSatisfy { $0 == 0 })
        #expect(live.missedSounds > 0)
    }
}

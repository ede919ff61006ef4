import Audio
import Glibc
import Routines
import TestSupport
import Testing
import Timing

/// The mixer on the built-in session: exact onsets, rising and falling
/// breaths, clean edges, determinism.
@Suite struct MixerTests {
    static let rate = 48_000
    let bank: SoundBank
    let timeline: Timeline

    init() throws {
        bank = try SoundBank(sampleRate: Self.rate, voiceFolder: Repository.voiceFolder)
        timeline = try Timeline(routine: BuiltInRoutines.backTension, options: SessionOptions(), sounds: bank)
    }

    @Test func everyChimeStartsOnItsPlannedFrame() throws {
        let chimesOnly = MixSettings(muted: [.voice, .breath])
        let whole = try Mixer(timeline: timeline, bank: bank, settings: chimesOnly)
        let chimes = timeline.cues.enumerated().filter { Layer($0.element.kind) == .chime }
        #expect(chimes.count >= 20)
        for (index, cue) in chimes {
            // The same session without this one cue: the first frame where the
            // two differ is where the cue's sound begins.
            var without = timeline
            without.cues.remove(at: index)
            let other = try Mixer(timeline: without, bank: bank, settings: chimesOnly)
            let start = cue.frame - 480
            let with = try Render.frames(whole, from: start, count: 960)
            let missing = try Render.frames(other, from: start, count: 960)
            let first = with.indices.first { with[$0] != missing[$0] }.map { start + Int64($0 / 2) }
            #expect(first == cue.frame, "\(cue.kind.rawValue) at \(cue.frame)")
        }
    }

    @Test func inhalesRiseAndSwellExhalesFallAndFade() throws {
        let breaths = MixSettings(muted: [.voice, .chime], channels: 1)
        let mixer = try Mixer(timeline: timeline, bank: bank, settings: breaths)
        let childsPose = try #require(timeline.steps.first { $0.pose == "childs-pose" })
        let cues = timeline.cues.filter {
            ($0.kind == .breathInhale || $0.kind == .breathExhale) && $0.frame >= childsPose.holdStart
                && $0.end <= childsPose.holdEnd
        }
        #expect(cues.count == 6)
        for cue in cues {
            let samples = try Render.frames(mixer, from: cue.frame, count: Int(cue.length), channels: 1)
            let early = Array(samples[samples.count / 5..<samples.count / 5 + 4096])
            let late = Array(samples[samples.count * 3 / 4..<samples.count * 3 / 4 + 4096])
            let (pitchEarly, pitchLate) = (Signal.pitch(early, rate: Self.rate), Signal.pitch(late, rate: Self.rate))
            let (levelEarly, levelLate) = (Signal.rms(early), Signal.rms(late))
            if cue.kind == .breathInhale {
                #expect(pitchLate > pitchEarly * 1.1, "inhale at \(cue.frame): \(pitchEarly) -> \(pitchLate) Hz")
                #expect(levelLate > levelEarly)
            } else {
                #expect(pitchLate < pitchEarly / 1.1, "exhale at \(cue.frame): \(pitchEarly) -> \(pitchLate) Hz")
                #expect(levelLate < levelEarly)
            }
        }
    }

    /// Each sound, alone, starts and ends within a hair of silence: no step
    /// from or to silence larger than 0.002 (-54 dBFS) at any sound edge.
    @Test func noSoundStartsOrEndsWithAClick() throws {
        let options = SessionOptions(halfwayChime: true, countdown: 3)
        let plan = try Timeline(routine: BuiltInRoutines.backTension, options: options, sounds: bank)
        var seen = Set<String>()
        for cue in plan.cues {
            let key = "\(cue.kind.rawValue) \(cue.prompt?.description ?? "") \(cue.length)"
            guard seen.insert(key).inserted else { continue }
            var alone = plan
            alone.cues = [cue]
            let mixer = try Mixer(timeline: alone, bank: bank, settings: MixSettings(channels: 1))
            let head = try Render.frames(mixer, from: cue.frame - 1, count: 2, channels: 1)
            let tail = try Render.frames(mixer, from: cue.end - 1, count: 2, channels: 1)
            #expect(head[0] == 0 && tail[1] == 0, "\(key): silent outside the cue")
            #expect(abs(head[1]) <= 0.002, "\(key): first frame \(head[1])")
            #expect(abs(tail[0]) <= 0.002, "\(key): last frame \(tail[0])")
        }
        #expect(seen.count > 20)
    }

    @Test func renderingIsDeterministicAndAnyRangeIsASliceOfTheWhole() throws {
        let first = try Mixer(timeline: timeline, bank: bank)
        let second = try Mixer(timeline: timeline, bank: bank)
        let whole = try Render.frames(first, from: 0, count: Int(timeline.frames))
        #expect(firstDifference(try Render.frames(second, from: 0, count: Int(timeline.frames)), whole) == nil)
        // Ranges in any order, across cue edges, past both ends of the session.
        var generator = SplitMix(seed: 7)
        for _ in 0..<40 {
            let start = Int64(generator.next() % UInt64(timeline.frames))
            let count = Int(generator.next() % 20_000) + 1
            let slice = try Render.frames(second, from: start, count: count)
            let end = min(Int(start) + count, Int(timeline.frames))
            #expect(firstDifference(slice[0..<(end - Int(start)) * 2], whole[Int(start) * 2..<end * 2]) == nil)
            #expect(slice[((end - Int(start)) * 2)...].allSatisfy { $0 == 0 })
        }
        #expect(try Render.frames(second, from: -100, count: 100).allSatisfy { $0 == 0 })
    }

    /// Sounds in the middle are mixed once and spread to both channels:
    /// a stereo mix is the mono one on each side, with panned sides
    /// mixed on top (a left side's sound heard left, not only in the middle).
    @Test func aStereoMixIsTheMonoMixOnBothSidesAndPannedSidesAddToIt() throws {
        // From the first side's first cue, 20 s: a prompt, chimes, breaths.
        let start = try #require(timeline.cues.first { $0.side == .left }).frame
        let count = 20 * timeline.sampleRate
        let mono = try Render.frames(
            Mixer(timeline: timeline, bank: bank, settings: MixSettings(channels: 1)), from: start, count: count, channels: 1)
        let stereo = try Render.frames(Mixer(timeline: timeline, bank: bank), from: start, count: count)
        #expect(stereo.count == 2 * mono.count)
        let left = stride(from: 0, to: stereo.count, by: 2).map { stereo[$0] }
        let right = stride(from: 1, to: stereo.count, by: 2).map { stereo[$0] }
        #expect(firstDifference(left, mono) == nil)
        #expect(firstDifference(right, mono) == nil)
        let panned = try Render.frames(
            Mixer(timeline: timeline, bank: bank, settings: MixSettings(panSides: true)), from: start, count: count)
        let sided = stride(from: 0, to: panned.count, by: 2).filter { panned[$0] != panned[$0 + 1] }
        #expect(sided.count > count / 50, "\(sided.count) of \(count) frames differ between the sides")
    }

    @Test func layerGainsAndMutesScaleOnlyTheirLayer() throws {
        let step = timeline.steps[1]
        let range = (step.start, Int(step.holdStart - step.start))
        let voiceOnly = try Render.frames(
            Mixer(timeline: timeline, bank: bank, settings: MixSettings(muted: [.chime, .breath])),
            from: range.0, count: range.1)
        let quieter = try Render.frames(
            Mixer(timeline: timeline, bank: bank, settings: MixSettings(gains: [.voice: -6], muted: [.chime, .breath])),
            from: range.0, count: range.1)
        let ratio = Signal.rms(quieter) / Signal.rms(voiceOnly)
        #expect(abs(ratio - 0.501) < 0.001)
        let silent = try Render.frames(
            Mixer(timeline: timeline, bank: bank, settings: MixSettings(muted: [.voice, .chime, .breath])),
            from: 0, count: 48_000)
        #expect(silent.allSatisfy { $0 == 0 })
    }

    @Test func theLimiterBendsOnlyAboveMinusOneDecibelAndNeverClips() {
        var samples: [Float] = [0, 0.5, -0.89, 0.95, -1.5, 4, 100, -100]
        samples.withUnsafeMutableBufferPointer { Limiter.apply($0) }
        #expect(samples[0...2] == [0, 0.5, -0.89])
        #expect(samples[3] < 0.95 && samples[3] > 0.891)
        #expect(samples[4...].allSatisfy { abs($0) <= Limiter.ceiling && abs($0) > 0.891 })
        #expect(samples[4] > -Limiter.ceiling && samples[4] < -0.9)
        #expect(samples[5] <= samples[6])
    }
}

extension MixerTests {
    /// With sides panned, a left side's prompt and chimes are louder on the
    /// left than the right by the pan's 9.8 dB, a right side's the other way,
    /// and everything else (both sides, the poses' prompts) in the middle.
    @Test func sidesPanTowardTheirSide() throws {
        /// The energy of each channel in the first 100 ms of `cue` alone.
        func energies(_ cue: Cue, panned: Bool) throws -> (left: Double, right: Double) {
            var alone = timeline
            alone.cues = [cue]
            let mixer = try Mixer(timeline: alone, bank: bank, settings: MixSettings(panSides: panned))
            let samples = try Render.frames(mixer, from: cue.frame, count: 4800)
            let left = stride(from: 0, to: samples.count, by: 2).reduce(0.0) { $0 + Double(samples[$1] * samples[$1]) }
            let right = stride(from: 1, to: samples.count, by: 2).reduce(0.0) { $0 + Double(samples[$1] * samples[$1]) }
            return (left, right)
        }
        let sided = timeline.cues.filter { $0.kind == .chimeStart || $0.kind == .voice }
        for side in [Side.left, .right, .both] {
            let cues = sided.filter { $0.side == side }
            #expect(cues.count >= 2, "\(side)")
            for cue in cues {
                let (left, right) = try energies(cue, panned: true)
                let decibels = 10 * log10(left / right)
                switch side {
                case .left: #expect(abs(decibels - 9.8) < 1, "\(cue.kind) \(side): \(decibels) dB")
                case .right: #expect(abs(decibels + 9.8) < 1, "\(cue.kind) \(side): \(decibels) dB")
                case .both: #expect(abs(decibels) < 0.01, "\(cue.kind) \(side): \(decibels) dB")
                }
                let center = try energies(cue, panned: false)
                #expect(abs(10 * log10(center.left / center.right)) < 0.01)
                // Equal power: the pan moves the sound, it does not make it louder.
                #expect(abs(10 * log10((left + right) / (center.left + center.right))) < 0.05)
            }
        }
    }

    /// A routine names its layers' gains by the mixer's layer names.
    @Test func theRoutineKnowsTheMixersLayers() {
        #expect(Routine.layers == Layer.allCases.map(\.rawValue))
    }
}

/// Rendering a range into an array.
enum Render {
    static func frames(
        _ mixer: Mixer, from start: Int64, count: Int, channels: Int = 2, sounds: SoundTable? = nil
    ) throws -> [Float] {
        var samples = [Float](repeating: 0, count: count * channels)
        try samples.withUnsafeMutableBufferPointer { try mixer.render(from: start, frames: count, into: $0, sounds: sounds) }
        return samples
    }
}

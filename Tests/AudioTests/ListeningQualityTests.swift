import Audio
import Foundation
import Output
import Routines
import TestSupport
import Testing
import Timing

/// What a listener with eyes closed would hear as a flaw: a click inside a
/// sound, a breath tone that wobbles or dips where the breath turns.
@Suite struct ListeningQualityTests {
    /// The largest step from one frame to the next a synthesized sound may
    /// take, at 48 kHz (a ringing tone's steps grow as the rate falls, a
    /// click's do not). A struck note that enters at full level steps by
    /// 0.25 or more; the steepest a ringing chime partial gets is about 0.07.
    static let largestJump = 0.1

    @Test(arguments: [48_000, 44_100, 22_050])
    func noSynthesizedSoundStepsFromOneFrameToTheNext(rate: Int) {
        var sounds = CueKind.allCases.map { ($0.rawValue, Chimes.sound(for: $0, rate: rate)) }
        sounds += Earcon.allCases.map { ("earcon \($0)", $0.sound(rate: rate)) }
        for (name, sound) in sounds where sound.frames > 0 {
            let jump = Self.largestJump(in: sound)
            #expect(jump.size * Double(rate) / 48_000 < Self.largestJump, "\(name) at \(rate) Hz: a step of \(jump.size) at +\(jump.frame * 1000 / rate) ms")
        }
    }

    @Test(arguments: ["4:6", "2:1:3:1", "1:1"])
    func inhalesSwellAndExhalesFadeSmoothly(pattern: String) throws {
        let rate = 48_000
        let bank = try SoundBank(sampleRate: rate, voiceFolder: Repository.voiceFolder)
        let options = SessionOptions(sampleRate: rate, breathing: BreathPattern(parsing: pattern))
        let timeline = try Timeline(routine: BuiltInRoutines.backTension, options: options, sounds: bank)
        let mixer = try Mixer(timeline: timeline, bank: bank, settings: MixSettings(muted: [.voice, .chime], channels: 1))
        let breaths = timeline.cues.filter { $0.kind == .breathInhale || $0.kind == .breathExhale }
        #expect(breaths.count > 20)
        let window = rate / 100
        let settle = rate / 10
        let edge = rate * 60 / 1000
        var joins = 0
        for (index, cue) in breaths.enumerated() {
            let levels = try Self.levels(mixer, from: cue.frame, count: Int(cue.length), window: window)
            let joinedAfter = cue.kind == .breathInhale && breaths.indices.contains(index + 1)
                && breaths[index + 1].frame == cue.end && breaths[index + 1].kind == .breathExhale
            let joinedBefore = cue.kind == .breathExhale && index > 0 && breaths[index - 1].end == cue.frame
                && breaths[index - 1].kind == .breathInhale
            if cue.kind == .breathInhale {
                // From 100 ms in to the end (or to the fade before a held breath).
                let upTo = (Int(cue.length) - (joinedAfter ? 0 : edge)) / window
                let dip = Self.deepestDip(levels[(settle / window)..<upTo])
                #expect(dip < 1, "\(pattern) inhale at \(cue.frame): falls \(dip) dB while it swells")
            } else {
                let from = joinedBefore ? 0 : edge / window + 1
                let rise = Self.deepestDip(levels[from...].map { -$0 }[...])
                #expect(rise < 1, "\(pattern) exhale at \(cue.frame): rises \(rise) dB while it fades")
            }
            if joinedAfter {
                joins += 1
                let around = try Self.levels(mixer, from: cue.end - Int64(settle), count: 2 * settle, window: window)
                let before = around[(settle / window) - 3..<(settle / window)].max()!
                let lowest = around.min()!
                #expect(before - lowest < 3, "\(pattern) turn at \(cue.end): dips \(before - lowest) dB")
                let join = try Render.frames(mixer, from: cue.end - 1, count: 2, channels: 1)
                #expect(abs(join[1] - join[0]) < 0.01, "\(pattern) turn at \(cue.end): a step of \(join[1] - join[0])")
            }
        }
        // The patterns without holds turn at every breath; the one with holds never does.
        #expect(pattern.contains(":1:") ? joins == 0 : joins >= 10)
    }

    /// An inhale glides up a fifth at equal musical steps per second, its
    /// wave the fundamental with second and third harmonics at 0.22 and 0.06
    /// of it: the pitch and the harmonics measured in 40 ms windows along it.
    @Test func anInhaleGlidesUpAFifthWithItsHarmonics() {
        let rate = 48_000
        let frames = 4 * rate
        let sound = BreathTones.sound(for: .breathInhale, frames: frames, rate: rate, joined: true)
        #expect(sound.channels == 1 && sound.frames == frames)
        let window = rate / 25
        for fraction in [0.25, 0.5, 0.75] {
            let start = Int(Double(frames) * fraction) - window / 2
            let samples = sound.samples[start..<start + window].map(Double.init)
            let expected = BreathTones.low * pow(BreathTones.high / BreathTones.low, fraction)
            let pitch = stride(from: expected * 0.97, through: expected * 1.03, by: 0.05).max {
                Self.magnitude(samples, at: $0, rate: rate) < Self.magnitude(samples, at: $1, rate: rate)
            }!
            #expect(abs(pitch / expected - 1) < 0.002, "at \(fraction) of the inhale: \(pitch) Hz, expected \(expected) Hz")
            let fundamental = Self.magnitude(samples, at: pitch, rate: rate)
            let second = Self.magnitude(samples, at: 2 * pitch, rate: rate) / fundamental
            let third = Self.magnitude(samples, at: 3 * pitch, rate: rate) / fundamental
            #expect(abs(second - 0.22) < 0.005 && abs(third - 0.06) < 0.005, "at \(fraction): harmonics \(second), \(third)")
        }
    }

    /// A breath tone, made a block at a time with its pitch held inside a
    /// block, is the closed-form glide at every frame: the phase from the
    /// formula, the wave's three harmonics, the envelope's sine squared.
    @Test func aBreathToneIsTheClosedFormGlideAtEveryFrame() {
        let rate = 48_000
        let frames = 4 * rate
        let sound = BreathTones.sound(for: .breathInhale, frames: frames, rate: rate, joined: true)
        let (low, high, length) = (BreathTones.low, BreathTones.high, Double(frames))
        // The phase's scale, tuned to a whole number of cycles.
        let scale = low * length / Double(rate) / log(high / low)
        let cycles = scale * (high / low - 1)
        let cycleScale = scale * cycles.rounded() / cycles
        func wave(_ phase: Double) -> Double { sin(phase) + 0.22 * sin(2 * phase) + 0.06 * sin(3 * phase) }
        let wavePeak = (0..<4096).map { abs(wave(2 * Double.pi * Double($0) / 4096)) }.max()!
        let gain = Double(BreathTones.peak) / wavePeak
        // After the fade-in, where the sound is the tone alone.
        let edge = rate * 60 / 1000
        var worst = (error: 0.0, frame: 0)
        for frame in edge..<frames {
            let phase = 2 * Double.pi * cycleScale * (pow(high / low, Double(frame) / length) - 1)
            let envelope = sin(0.5 * Double.pi * Double(frame) / length)
            let exact = gain * wave(phase) * envelope * envelope
            let error = abs(Double(sound.samples[frame]) / Double(PCM16.fullScale) - exact)
            if error > worst.error { worst = (error, frame) }
        }
        // 2e-4 of full scale is -74 dB, 0.15% of the tone's peak.
        #expect(worst.error < 2e-4, "\(worst.error) off the formula at frame \(worst.frame)")
    }

    /// The magnitude of `frequency` in `samples` under a Hann window.
    static func magnitude(_ samples: [Double], at frequency: Double, rate: Int) -> Double {
        var (re, im) = (0.0, 0.0)
        let count = Double(samples.count)
        for (index, sample) in samples.enumerated() {
            let hann = 0.5 - 0.5 * cos(2 * Double.pi * Double(index) / count)
            let angle = 2 * Double.pi * frequency * Double(index) / Double(rate)
            re += sample * hann * cos(angle)
            im -= sample * hann * sin(angle)
        }
        return (re * re + im * im).squareRoot()
    }

    /// The 10 ms RMS levels, in dB, of `count` frames from `start`.
    static func levels(_ mixer: Mixer, from start: Int64, count: Int, window: Int) throws -> [Double] {
        let samples = try Render.frames(mixer, from: start, count: count, channels: 1)
        return stride(from: 0, to: samples.count - window + 1, by: window).map {
            20 * log10(max(Signal.rms(Array(samples[$0..<$0 + window])), 1e-9))
        }
    }

    /// How far `levels` ever fall below the loudest one before them, in dB.
    static func deepestDip(_ levels: ArraySlice<Double>) -> Double {
        var loudest = -Double.infinity
        var dip = 0.0
        for level in levels {
            loudest = max(loudest, level)
            dip = max(dip, loudest - level)
        }
        return dip
    }

    /// The largest frame-to-frame step of `sound` (full scale 1) and where it is.
    static func largestJump(in sound: Sound) -> (size: Double, frame: Int) {
        var largest = (size: 0.0, frame: 0)
        for frame in 1..<sound.frames {
            for channel in 0..<sound.channels {
                let step = abs(
                    Double(sound.samples[frame * sound.channels + channel])
                        - Double(sound.samples[(frame - 1) * sound.channels + channel])) / Double(PCM16.fullScale)
                if step > largest.size { largest = (step, frame) }
            }
        }
        return largest
    }
}

/// EBU R128 loudness through libebur128, and the built-in voice matched by it.
@Suite struct LoudnessTests {
    static let rate = 48_000

    /// A sine of `seconds` at `amplitude`, mono.
    static func sine(_ frequency: Double, amplitude: Double, seconds: Double) -> Sound {
        let frames = Int(seconds * Double(rate))
        return Sound(
            channels: 1,
            samples: (0..<frames).map {
                PCM16.quantize(Float(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(rate))))
            })
    }

    @Test func aSineMeasuresAsR128Says() throws {
        // A 1 kHz mono sine at -20 dBFS peak: mean square -23 dB, K-weighting +0.69 dB, offset -0.691.
        let tone = try Loudness(of: Self.sine(1000, amplitude: 0.1, seconds: 3), rate: Self.rate)
        #expect(abs(tone.integrated - -23.0) < 0.1, "\(tone.integrated) LUFS")
        #expect(abs(tone.peak - -20) < 0.01)
        #expect(tone.gain(to: -20) > 2.9 && tone.gain(to: -20) < 3.1)
        // 12 dB quieter measures 12 LU lower; a word shorter than a block still measures.
        let quiet = try Loudness(of: Self.sine(1000, amplitude: 0.1 / 3.981, seconds: 3), rate: Self.rate)
        #expect(abs(tone.integrated - quiet.integrated - 12) < 0.1)
        let short = try Loudness(of: Self.sine(1000, amplitude: 0.1, seconds: 0.2), rate: Self.rate)
        #expect(short.integrated.isFinite && short.integrated < tone.integrated)
        let silence = try Loudness(of: Sound(channels: 2, samples: [Int16](repeating: 0, count: 9600)), rate: Self.rate)
        #expect(silence.integrated == -.infinity && silence.gain(to: -20) == 0)
    }

    @Test func everyBuiltInPromptIsWithinOneLUOfTheTarget() throws {
        let bank = try SoundBank(sampleRate: Self.rate, voiceFolder: Repository.voiceFolder)
        let files = try FileManager.default.contentsOfDirectory(atPath: Repository.voiceFolder)
            .filter { $0.hasSuffix(".wav") }.sorted()
        #expect(files.count >= 79)
        var levels: [Double] = []
        for file in files {
            // As the session mixes it: resampled to the session rate, edges faded.
            let prompt = try bank.prompt(PromptRef(.voice(String(file.dropLast(4)))))
            let level = try Loudness(of: prompt, rate: Self.rate)
            #expect(abs(level.integrated - Loudness.voiceTarget) <= 1, "\(file): \(level.integrated) LUFS")
            #expect(level.peak < -0.05, "\(file): peaks at \(level.peak) dBFS")
            levels.append(level.integrated)
        }
        #expect(levels.max()! - levels.min()! <= 1)
    }
}

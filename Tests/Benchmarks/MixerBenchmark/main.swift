import Audio
import Glibc
import Routines
import Timing

// The mixer's cost per frame with 1, 4 and 16 sounds playing at once, in
// process: a fresh mixer renders 10 s of N copies of the longest built-in
// prompt started 10 ms apart (each decoded from its file, resampled from
// 24 to 48 kHz, gained, panned and summed; then the limiter), in periods of
// 1024 frames. Prints the median, best and worst of RUNS runs in ns per
// frame, and the peak of the sounds held. See mixer-benchmark.sh.
//
// Usage: MixerBenchmark VOICE_FOLDER [RUNS] [COUNTS...]
let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: MixerBenchmark VOICE_FOLDER [RUNS] [COUNTS...]")
    exit(2)
}
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 9 : 9
let counts = arguments.count > 3 ? arguments[3...].compactMap { Int($0) } : [1, 4, 16]
let rate = 48_000
let frames = 10 * rate
let period = 1024
let prompt = PromptRef.voice("intro.back-tension")

do {
    let bank = try SoundBank(sampleRate: rate, voiceFolder: arguments[1])
    let length = try bank.frames(of: prompt)
    print("sounds\tmedian ns/frame\tbest  worst  (\(runs) runs of \(frames / rate) s)")
    for count in counts {
        let cues = (0..<count).map { Cue(frame: Int64($0 * rate / 100), kind: .voice, length: length, round: 0, prompt: prompt) }
        let timeline = Timeline(sampleRate: rate, frames: Int64(frames), cues: cues, steps: [])
        var output = [Float](repeating: 0, count: period * 2)
        var times: [Double] = []
        for _ in 0..<runs {
            let mixer = try Mixer(timeline: timeline, bank: bank, settings: MixSettings(), supply: .onDemand)
            let start = ContinuousClock.now
            for from in stride(from: 0, to: frames, by: period) {
                try output.withUnsafeMutableBufferPointer { try mixer.render(from: Int64(from), frames: period, into: $0) }
            }
            let elapsed = ContinuousClock.now - start
            times.append(Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9)
        }
        times.sort()
        let perFrame = times.map { $0 / Double(frames) }
        let median = perFrame[perFrame.count / 2].fixed(1)
        let range = "\(perFrame[0].fixed(1))  \(perFrame[perFrame.count - 1].fixed(1))"
        print("\(count)\t\(median)\t\(range)")
    }
} catch {
    print("MixerBenchmark: \(error)")
    exit(2)
}

import Audio
import FuzzDriver

// A sound file, through libsndfile with the program's limits: read and
// resampled to 48 kHz, or refused with a `SoundError`. Then read part by
// part at its own rate, the parts from last to first (seeks, and reads
// again from the start): the parts are the whole, sample for sample.
let path = scratchFolder("sound") + "/sound.wav"
runFuzzer { data, size in
    write(bytes(data, size), to: path)
    // Within the limits any length is taken; the fuzzer's time is better spent on short ones.
    guard let info = try? SoundFile.info(path), info.frames < 480_000 else { return 0 }
    _ = try? SoundFile.read(path, rate: 48_000)
    guard let reader = try? SoundReader(path, rate: info.sampleRate), let whole = try? reader.read(0..<info.frames) else {
        return 0
    }
    let partLength = max(1, info.frames / 3)
    var parts: [[Int16]] = []
    var end = info.frames
    while end > 0 {
        let start = max(0, end - partLength)
        guard let part = try? reader.read(start..<end) else { return 0 }
        parts.insert(part.samples, at: 0)
        end = start
    }
    precondition(parts.flatMap { $0 } == whole.samples, "the parts of a sound read backwards are not its whole")
    return 0
}

import Audio
import FuzzDriver

// A sound file, through libsndfile with the program's limits: read and
// resampled to 48 kHz, or refused with a `SoundError`.
let path = scratchFolder("sound") + "/sound.wav"
runFuzzer { data, size in
    write(bytes(data, size), to: path)
    // Within the limits any length is taken; the fuzzer's time is better spent on short ones.
    if let info = try? SoundFile.info(path), info.frames < 480_000 {
        _ = try? SoundFile.read(path, rate: 48_000)
    }
    return 0
}

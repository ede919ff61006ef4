import FuzzDriver
import Playback

// A control-socket line (UTF-8, within the server's limit): a request or a `ControlError`.
runFuzzer { data, size in
    let input = bytes(data, size)
    guard input.count < Request.longestLine, let line = String(validating: input, as: UTF8.self) else { return 0 }
    _ = try? Request(line: line)
    return 0
}

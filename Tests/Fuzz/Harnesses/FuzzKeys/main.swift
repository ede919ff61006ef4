import Controls
import FuzzDriver

// The key decoder: any bytes from a terminal, fed in two parts, become keys.
runFuzzer { data, size in
    let input = bytes(data, size)
    var decoder = KeyDecoder()
    _ = decoder.feed(input.prefix(size / 2))
    _ = decoder.feed(input.dropFirst(size / 2))
    _ = decoder.flush()
    return 0
}

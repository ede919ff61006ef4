import FuzzDriver
import Service

// Input events: any bytes read from /dev/input decode into whole events, a part event kept for the next read.
runFuzzer { data, size in
    var input = Array(bytes(data, size))
    let events = InputEvent.decode(&input)
    precondition(input.count < InputEvent.size && events.count == size / InputEvent.size)
    return 0
}

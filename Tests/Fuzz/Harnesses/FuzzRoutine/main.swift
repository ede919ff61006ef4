import FuzzDriver
import Routines

// Routine YAML: any bytes are loaded or refused with an `InputError`, never a crash or a hang.
runFuzzer { data, size in
    _ = try? RoutineLoader.parse(yaml: String(decoding: bytes(data, size), as: UTF8.self), file: "fuzz.yaml", folder: "/nonexistent")
    return 0
}

import FuzzDriver
import Packs

// A pack manifest: any `pack.yaml` is loaded or refused with an `InputError`.
// (The pack's private folder holds no sound, so an entry is refused where a file would be read.)
let folder = scratchFolder("pack")
runFuzzer { data, size in
    write(bytes(data, size), to: folder + "/pack.yaml")
    _ = try? Pack.load(folder: folder)
    return 0
}

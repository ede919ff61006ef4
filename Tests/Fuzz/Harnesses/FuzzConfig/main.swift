import Configuration
import FuzzDriver

// A config file: any bytes are read into the settings or refused with an `InputError`.
let path = scratchFolder("config") + "/config.yaml"
runFuzzer { data, size in
    write(bytes(data, size), to: path)
    var settings = Settings(environment: [:])
    try? settings.load(configFile: path)
    return 0
}

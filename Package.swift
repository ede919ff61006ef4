// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "stretchcue",
    products: [
        .executable(name: "stretchcue", targets: ["stretchcue"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // From the first release with `LogEvent` (1.11.0), the last one whose
        // manifest Swift 6.0 reads: a newer toolchain takes the newest release.
        .package(url: "https://github.com/apple/swift-log", from: "1.11.0"),
    ],
    targets: [
        // System libraries: one module map and one shim header each.
        .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CEBUR128", pkgConfig: "libebur128", providers: [.apt(["libebur128-dev"])]),
        // libmicrohttpd (libmicrohttpd-dev), loaded by the remote alone: see its header.
        .target(name: "CMicroHTTPD"),

        // glibc's allocation policy, which Swift's Glibc module does not expose.
        .target(name: "CMalloc"),
        // Linux interfaces Swift cannot see: input-device ioctls, signalfd, pipe and socket queues, O_TMPFILE.
        .target(name: "CLinux"),
        // The MPRIS media-player interface on the session bus, through sd-bus (libsystemd-dev).
        .target(name: "CMPRIS", linkerSettings: [.linkedLibrary("systemd")]),
        // System calls: retried when interrupted, failures named; atomic files.
        .target(name: "SystemCalls", dependencies: ["CLinux"]),
        .target(name: "Routines", dependencies: ["CYAML", "SystemCalls"]),
        .target(name: "Timing", dependencies: ["Routines"]),
        // Sound packs: pack.yaml, checked; where packs are found; the chain a session takes sounds from.
        .target(name: "Packs", dependencies: ["Routines", "SystemCalls"]),
        .target(
            name: "Audio", dependencies: ["Routines", "Timing", "Packs", "Output", "SystemCalls", "CSndFile", "CSoxr", "CEBUR128"]),
        // What pack makers use and the player does not: checking a pack's
        // sounds, levelling recorded takes.
        .target(name: "PackTools", dependencies: ["Audio", "Output", "Packs", "Routines", "SystemCalls", "Timing"]),
        .target(
            name: "Output",
            dependencies: ["SystemCalls", "CALSA", "CSndFile", "CLinux", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "Playback",
            dependencies: [
                "Routines", "Timing", "Audio", "Output", "SystemCalls", .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "Controls", dependencies: ["Playback", "Timing", "Routines", "SystemCalls", "CMPRIS"]),
        // The config file and what is kept between runs (the saved place,
        // the history), which every command reads: below the CLI and the service.
        .target(
            name: "Configuration",
            dependencies: [
                "Playback", "Output", "Audio", "Timing", "Routines", "SystemCalls", .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Service",
            dependencies: [
                "Configuration", "Playback", "Output", "Audio", "Timing", "Routines", "SystemCalls", "CLinux",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The remote: a web page that speaks to the box through its control socket (libmicrohttpd).
        .target(
            name: "Remote",
            dependencies: ["CMicroHTTPD", "Configuration", "Playback", "Routines", "SystemCalls", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(
            name: "stretchcue",
            dependencies: [
                "CMalloc", "SystemCalls", "Routines", "Timing", "Packs", "Audio", "Output", "Playback", "Controls", "Configuration",
                "Service", "PackTools", "Remote",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Helpers the test targets share: paths in the repository, running the program.
        .target(name: "TestSupport", dependencies: ["CPseudoTerminal"], path: "Tests/TestSupport"),
        .target(name: "CPseudoTerminal", path: "Tests/CPseudoTerminal"),
        .testTarget(name: "SystemCallsTests", dependencies: ["SystemCalls", "TestSupport"]),
        .testTarget(name: "RoutinesTests", dependencies: ["Routines", "TestSupport"]),
        .testTarget(name: "PacksTests", dependencies: ["Packs", "Routines", "TestSupport"]),
        .testTarget(
            name: "TimingTests", dependencies: ["Routines", "Timing", "Audio", "TestSupport"], exclude: ["Snapshots"]),
        .testTarget(name: "AudioTests", dependencies: ["Routines", "Timing", "Audio", "Packs", "PackTools", "CSndFile", "TestSupport"]),
        .testTarget(name: "OutputTests", dependencies: ["Output", "SystemCalls", "CSndFile", "TestSupport"]),
        .testTarget(
            name: "PlaybackTests",
            dependencies: [
                "Playback", "Routines", "Timing", "Audio", "Output", "SystemCalls", "TestSupport",
                .product(name: "Logging", package: "swift-log"), .product(name: "InMemoryLogging", package: "swift-log"),
            ]),
        .testTarget(name: "ControlsTests", dependencies: ["Controls", "Playback", "Timing", "Routines"]),
        .testTarget(
            name: "ServiceTests",
            dependencies: [
                "Service", "Configuration", "Playback", "Output", "Audio", "Timing", "Routines", "SystemCalls", "TestSupport",
                .product(name: "Logging", package: "swift-log"), .product(name: "InMemoryLogging", package: "swift-log"),
            ]),
        .testTarget(
            name: "ConfigurationTests",
            dependencies: ["Configuration", "Audio", "Routines", "Timing", "TestSupport", "PlaceSaver"]),
        .testTarget(name: "RemoteTests", dependencies: ["Remote", "Configuration", "TestSupport"]),
        // Saves places until killed, for the test that kills it (SavedPlaceTests).
        .executableTarget(name: "PlaceSaver", dependencies: ["Configuration", "Timing"], path: "Tests/PlaceSaver"),
        // Optimized even in debug builds: finding cues in minutes of recorded
        // audio by cross-correlation is otherwise most of the suite's time.
        .testTarget(
            name: "StretchcueTests", dependencies: ["stretchcue", "Routines", "Audio", "PackTools", "TestSupport"],
            swiftSettings: [.unsafeFlags(["-O"])]),
    ],
    swiftLanguageModes: [.v6]
)

// Release builds keep the code a session runs together, so the program
// touches fewer pages of itself and its peak RSS is smaller (BENCHMARKS.md):
// each function of the program's own modules gets a section of its own, and
// lld links the executable with the functions that common runs execute first
// (Sources/stretchcue/link-order.txt, written by Tests/Benchmarks/link-order.sh)
// and its relative relocations packed (DT_RELR, glibc 2.36 and later).
// Nothing of the program is exported to the libraries it loads (the
// toolchain exports every symbol: a symbol table of 300 KiB read at load),
// and the few functions of libstdc++ and libgcc_s that Swift's runtime
// calls are linked in rather than the whole libraries loaded (about 1 MiB
// of RSS): the folder Sources/stretchcue/static-libstdc++ is searched first
// for the toolchain's `-lstdc++`, and its libstdc++.so is a linker script
// naming libstdc++.a.
let programModules: Set = [
    "SystemCalls", "Routines", "Timing", "Packs", "Audio", "Output", "Playback", "Controls", "Configuration", "Service", "PackTools",
    "Remote", "stretchcue",
]
let linkOrder = "\(Context.packageDirectory)/Sources/stretchcue/link-order.txt"
let staticLibStdCxx = "\(Context.packageDirectory)/Sources/stretchcue/static-libstdc++"
for target in package.targets where programModules.contains(target.name) {
    target.swiftSettings = (target.swiftSettings ?? [])
        + [.unsafeFlags(["-Xfrontend", "-function-sections"], .when(configuration: .release))]
}
for target in package.targets where target.name == "stretchcue" {
    target.exclude += ["link-order.txt", "static-libstdc++"]
    target.linkerSettings = (target.linkerSettings ?? []) + [
        .unsafeFlags(
            [
                "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                "-Xlinker", "--symbol-ordering-file", "-Xlinker", linkOrder, "-Xlinker", "--no-warn-symbol-ordering",
                "-Xlinker", "--no-export-dynamic", "-L", staticLibStdCxx, "-Xclang-linker", "-static-libgcc",
            ], .when(configuration: .release))
    ]
}

// libFuzzer harnesses (Tests/Fuzz), only when asked for: Tests/Fuzz/run.sh
// builds them instrumented for the fuzzer and linked with its driver.
if Context.environment["STRETCHCUE_FUZZ"] != nil {
    let harnesses: [(String, [Target.Dependency])] = [
        ("FuzzRoutine", ["Routines"]), ("FuzzPack", ["Packs"]), ("FuzzConfig", ["Configuration"]), ("FuzzSoundFile", ["Audio"]),
        ("FuzzControlLine", ["Playback"]), ("FuzzKeys", ["Controls"]), ("FuzzInputEvents", ["Service"]),
        ("FuzzTerminalText", ["Routines"]), ("FuzzControlSocket", ["Service", "Configuration"]),
    ]
    package.targets.append(.target(name: "FuzzDriver", path: "Tests/Fuzz/Harnesses/FuzzDriver"))
    package.targets += harnesses.map { name, libraries in
        .executableTarget(name: name, dependencies: ["FuzzDriver"] + libraries, path: "Tests/Fuzz/Harnesses/\(name)")
    }
}

// The mixer's in-process benchmark (Tests/Benchmarks/mixer-benchmark.sh), only when asked for.
if Context.environment["STRETCHCUE_BENCH"] != nil {
    package.targets.append(
        .executableTarget(
            name: "MixerBenchmark", dependencies: ["Audio", "Routines", "Timing"], path: "Tests/Benchmarks/MixerBenchmark"))
}

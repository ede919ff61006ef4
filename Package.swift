// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "stretchcue",
    products: [
        .executable(name: "stretchcue", targets: ["stretchcue"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // System libraries: one module map and one shim header each.
        .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),

        // glibc's allocation policy, which Swift's Glibc module does not expose.
        .target(name: "CMalloc"),
        .target(name: "Routines", dependencies: ["CYAML"]),
        .target(name: "Timing", dependencies: ["Routines"]),
        .target(
            name: "Audio",
            dependencies: ["Timing", "CSndFile", "CSoxr", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "Output",
            dependencies: ["Audio", "CALSA", "CSndFile", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "Playback",
            dependencies: ["Timing", "Audio", "Output", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Controls", dependencies: ["Playback", "Timing", "Audio"]),
        .executableTarget(
            name: "stretchcue",
            dependencies: [
                "CMalloc", "Routines", "Timing", "Audio", "Output", "Playback", "Controls",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Helpers the test targets share: paths in the repository, running the program.
        .target(name: "TestSupport", dependencies: ["CPseudoTerminal"], path: "Tests/TestSupport"),
        .target(name: "CPseudoTerminal", path: "Tests/CPseudoTerminal"),
        .testTarget(name: "RoutinesTests", dependencies: ["Routines", "TestSupport"]),
        .testTarget(name: "TimingTests", dependencies: ["Timing", "Audio", "TestSupport"], exclude: ["Snapshots"]),
        .testTarget(name: "AudioTests", dependencies: ["Audio", "CSndFile", "TestSupport"]),
        .testTarget(name: "OutputTests", dependencies: ["Output", "TestSupport"]),
        .testTarget(
            name: "PlaybackTests",
            dependencies: ["Playback", "Routines", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "ControlsTests", dependencies: ["Controls", "Playback", "Timing", "Routines"]),
        .testTarget(name: "StretchcueTests", dependencies: ["stretchcue", "Routines", "Audio", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

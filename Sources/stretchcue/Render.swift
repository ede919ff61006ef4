import ArgumentParser
import Audio
import Glibc
import Output
import Playback
import SystemCalls

extension Stretchcue {
    /// `stretchcue render`: writes a whole session to a WAV or FLAC file.
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a session to a sound file (.wav or .flac) instead of playing it.")

        @OptionGroup var session: SessionFlags
        @OptionGroup var mix: MixFlags

        @Option(name: .shortAndLong, help: ArgumentHelp("The file to write, .wav or .flac.", valueName: "file"))
        var output: String

        @Option(help: ArgumentHelp("Sample format: s16, s24, s32 or float.", valueName: "format"))
        var format: SampleFormat = .s16

        @Flag(name: .shortAndLong, help: "Say where each sound comes from (a pack, a folder, built in).")
        var verbose = false

        func validate() throws {
            let type = output.split(separator: ".").last.map { $0.lowercased() } ?? ""
            guard output.contains("."), FileSink.extensions[type] != nil else {
                throw ValidationError("-o \(output): expected a file name ending in .wav or .flac")
            }
        }

        func run() throws {
            let settings = try session.settings()
            try reportingFailures {
                let prepared = try Session(session, settings, earcons: false)
                if verbose { TextOutput.standardError.write(prepared.soundOrigins.map { "sound \($0)\n" }.joined()) }
                if let mixed = prepared.mixedLanguages { TextOutput.standardError.write("stretchcue: warning: \(mixed)\n") }
                let mixer = try Mixer(
                    timeline: prepared.timeline, bank: prepared.bank, settings: try mix.settings(over: settings.mix, routine: prepared.routine))
                let sink = try FileSink(
                    path: output, sampleRate: prepared.timeline.sampleRate, channels: mixer.settings.channels,
                    format: format, frames: prepared.timeline.frames)
                Interruption.catchSignals(exitAtOnceOnSecondInterrupt: false)
                let progress = RenderProgress(output: output, frames: prepared.timeline.frames, sampleRate: prepared.timeline.sampleRate)
                progress.show(0)
                let rendered = try OfflineRender.run(
                    mixer, into: sink, shouldStop: { Interruption.caught != nil }, progress: progress.show
                ) { failure in
                    progress.writeAbove("stretchcue: \(failure); played as silence\n")
                }
                progress.clear()
                guard rendered else {
                    // The unfinished sink removes its partial file as it goes.
                    throw Failure(
                        "stretchcue: render interrupted; \(output) was not written",
                        Failure.code(for: Interruption.caught ?? SIGINT))
                }
                let seconds = prepared.timeline.clock(prepared.timeline.frames)
                let missed = mixer.missedSounds
                let summary = missed == 0 ? "" : ", \(missed) sound\(missed == 1 ? "" : "s") missed"
                TextOutput.standardError.write("stretchcue: wrote \(output) (\(seconds)\(summary))\n")
            }
        }
    }
}

extension SampleFormat: ExpressibleByArgument {}

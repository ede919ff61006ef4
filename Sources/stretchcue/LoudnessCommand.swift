import ArgumentParser
import Audio
import Configuration
import Routines
import SystemCalls

extension Stretchcue {
    /// `stretchcue loudness`: measures sound files by EBU R128, for people
    /// making voice and chime packs.
    struct Loudness: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure sound files' EBU R128 loudness and the gain that matches them to a target.",
            discussion: """
                One line per file: integrated loudness (LUFS; a sound shorter than R128's 400 ms block is \
                measured inside one block of silence), sample peak, and the gain to the target. Exit 2 when a \
                file cannot be read.
                """)

        @Option(help: ArgumentHelp("The loudness to match, in LUFS.", valueName: "lufs"))
        var target = Audio.Loudness.voiceTarget

        @Argument(help: ArgumentHelp("Sound files (.wav, .flac, .ogg, ...).", valueName: "file"))
        var files: [String]

        @Flag(help: "Print the measures as JSON: {target, files: [{file, loudness, peak, gain, peakAfterGain}]}.")
        var json = false

        func validate() throws {
            guard (-70.0 ... -5.0).contains(target) else {
                throw ValidationError("--target \(target): expected a loudness from -70 to -5 LUFS")
            }
        }

        func run() throws {
            // Every file is read before anything is printed: a bad one fails the run, not half of it.
            let measures = try reportingFailures { try files.map { file throws(SoundError) in try Audio.Loudness(ofFile: file) } }
            if json {
                let measured = zip(files, measures).map { path, measure -> JSON in
                    let gain = measure.gain(to: target)
                    return .object([
                        ("file", .string(path)), ("loudness", .number(measure.integrated)), ("peak", .number(measure.peak)),
                        ("gain", .number(gain)), ("peakAfterGain", .number(measure.peak + gain)),
                    ])
                }
                TextOutput.standardOutput.line(JSON.object([("target", .number(target)), ("files", .array(measured))]).text)
                return
            }
            var lines = ""
            for (path, measure) in zip(files, measures) {
                let gain = measure.gain(to: target)
                let peak = measure.peak + gain
                let clips = peak > -1 ? " (would peak at \(peak.fixed(1, sign: true)) dBFS)" : ""
                lines += "\(path): \(measure.integrated.fixed(1)) LUFS, peak \(measure.peak.fixed(1)) dBFS, "
                    + "gain \(gain.fixed(2, sign: true)) dB to \(target.fixed(1)) LUFS\(clips)\n"
            }
            TextOutput.standardOutput.write(lines)
        }
    }
}

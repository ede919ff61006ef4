import CSndFile
import Foundation
import Packs
import TestSupport
import Testing

/// A prompt whose frames are broken in its middle (a FLAC with a stretch
/// of garbage): nothing of the session plays, and the one line names the
/// routine's line that brought the file and where in it the break is.
@Suite struct BrokenSoundTests {
    let folder = Repository.temporaryFolder("stretchcue-broken")

    /// A routine of one pose whose prompt is a 5 s FLAC, broken from its second second.
    func brokenRoutine() throws -> String {
        let flac = folder + "/words.flac"
        var info = SF_INFO()
        info.samplerate = 48_000
        info.channels = 1
        info.format = Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        let file = try #require(sf_open(flac, Int32(SFM_WRITE), &info))
        var noise = SplitMix(seed: 5)
        let samples = (0..<240_000).map { _ in Float(Double(noise.next() % 1_000_000) / 1_000_000 - 0.5) * 0.6 }
        #expect(sf_writef_float(file, samples, 240_000) == 240_000)
        sf_close(file)
        let handle = try #require(FileHandle(forUpdatingAtPath: flac))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2)
        handle.write(Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }))
        try handle.close()
        let routine = folder + "/broken.yaml"
        try "name: Broken\nhold: 2\nposes:\n  - id: one\n    name: One\n    prompt: words.flac\n"
            .write(toFile: routine, atomically: true, encoding: .utf8)
        return routine
    }

    @Test func aPromptWithBrokenFramesRefusesTheSessionBeforeItPlays() throws {
        let routine = try brokenRoutine()
        // ALSA's file plugin: whatever is played lands in tap.wav.
        try "pcm.tap { type file; slave.pcm \"null\"; file \"\(folder)/tap.wav\"; format \"wav\" }\n"
            .write(toFile: folder + "/asoundrc", atomically: true, encoding: .utf8)
        let tap = ["ALSA_CONFIG_PATH": "/usr/share/alsa/alsa.conf:" + folder + "/asoundrc"]
        let runs = [
            try Program.run(["plan", routine]),
            try Program.run(["render", routine, "-o", folder + "/out.wav"]),
            try Program.run(["play", routine, "--plain", "-D", "tap", "--lead-in-ms", "0"], environment: tap),
        ]
        for run in runs {
            #expect(run.status == 2, "\(run.error)")
            let lines = run.error.split(separator: "\n")
            #expect(lines.count == 1, "\(run.error)")
            #expect(
                lines.first?.hasPrefix(routine + ":6:13: the prompt 'words.flac' cannot be decoded at 0:0") == true, "\(run.error)")
        }
        // Not a frame written: no file rendered, nothing sent to the device.
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.wav"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/tap.wav"))
    }

    /// A pack's FLAC prompt, a 5 s tone written while it was whole, then 64
    /// bytes of it overwritten half way: the decoder loses sync there yet
    /// hands back whole chunks, with only its error to tell.
    func damagedPack() throws -> (pack: String, flac: String, damage: () throws -> Void) {
        let pack = folder + "/pack"
        try FileManager.default.createDirectory(atPath: pack, withIntermediateDirectories: true)
        let flac = pack + "/left.flac"
        var info = SF_INFO()
        info.samplerate = 48_000
        info.channels = 1
        info.format = Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        let file = try #require(sf_open(flac, Int32(SFM_WRITE), &info))
        let samples = (0..<240_000).map { Float(0.3 * sin(2 * Double.pi * 330 * Double($0) / 48_000)) }
        #expect(sf_writef_float(file, samples, 240_000) == 240_000)
        sf_close(file)
        try "format: 1\nname: Damaged\nlicense: CC0-1.0\nsounds:\n  pose.cobra: left.flac\n"
            .write(toFile: pack + "/pack.yaml", atomically: true, encoding: .utf8)
        return (pack, flac, {
            let handle = try #require(FileHandle(forUpdatingAtPath: flac))
            let size = try handle.seekToEnd()
            try handle.seek(toOffset: size / 2)
            handle.write(Data((0..<64).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }))
            try handle.close()
        })
    }

    @Test func packsCheckNamesAFileWhoseFramesBrokeAfterItsLoudnessWasKept() throws {
        let (pack, flac, damage) = try damagedPack()
        let whole = try Program.run(["packs", "check", pack, "--write"])
        #expect(whole.status == 0 && whole.output.contains("wrote \(pack)/loudness.yaml"), "\(whole.error)")
        try damage()
        let check = try Program.run(["packs", "check", pack])
        #expect(check.status == 2, "\(check.output)")
        #expect(check.error.split(separator: "\n").count == 1, "\(check.error)")
        #expect(check.error.hasPrefix("\(pack)/pack.yaml:5:15: \(flac): cannot be decoded at 0:02."), "\(check.error)")
        #expect(check.error.contains("lost sync"), "\(check.error)")
        // A session asking for it is refused before it starts, on the same line.
        let render = try Program.run(["render", "--pack", pack, "--hold", "2", "-o", folder + "/out.wav"])
        #expect(render.status == 2 && render.error.hasPrefix("\(pack)/pack.yaml:5:15: "), "\(render.error)")
        #expect(render.error.contains("left.flac") && render.error.contains(" cannot be decoded at 0:02."), "\(render.error)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.wav"))
        // Its loudness kept for the damaged file too (by a program that did not
        // see the damage): the session still decodes it whole, and says where it breaks.
        var cache = LoudnessCache(folder: pack)
        cache.set(-20, peak: -10, of: flac)
        try cache.save()
        let cached = try Program.run(["render", "--pack", pack, "--hold", "2", "-o", folder + "/out.wav"])
        #expect(
            cached.status == 2 && cached.error.hasPrefix("\(pack)/pack.yaml:5:15: the prompt 'left.flac' cannot be decoded at 0:02."),
            "\(cached.error)")
        #expect(try Program.run(["packs", "check", pack]).error == check.error, "check decodes it whatever the cache says")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.wav"))
    }
}

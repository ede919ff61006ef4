import Controls
import Glibc
import Routines
import SystemCalls
import Timing

/// `render`'s progress on a terminal: one line on standard error, redrawn
/// in place at every whole percent and taken away at the end. Nothing
/// when standard error is not a terminal (a script, a log).
final class RenderProgress {
    private let line: StatusLine?
    private let output: String
    private let frames: Int64
    private let sampleRate: Int
    private var percentShown = -1

    init(output: String, frames: Int64, sampleRate: Int) {
        let terminal = Files.isTerminal(STDERR_FILENO) && getenv("TERM").map { String(cString: $0) } != "dumb"
        line = terminal ? StatusLine(output: .standardError) : nil
        self.output = output
        self.frames = max(1, frames)
        self.sampleRate = max(1, sampleRate)
    }

    /// Shows `rendered` frames of the session done, when its percent has changed.
    func show(_ rendered: Int64) {
        guard let line else { return }
        let percent = Int(rendered * 100 / frames)
        guard percent != percentShown else { return }
        percentShown = percent
        let done = Timeline.clock(seconds: Int(rendered / Int64(sampleRate)))
        let total = Timeline.clock(seconds: Int(frames / Int64(sampleRate)))
        // What matters most first: a narrow terminal cuts the file's name.
        line.draw("rendering \(percent)%  \(done) of \(total)  \(output.escapingControlCharacters)")
    }

    /// Writes `text` above the progress line, or as it is without one.
    func writeAbove(_ text: String) {
        guard let line else { return TextOutput.standardError.write(text) }
        line.writeAbove(text, to: .standardError)
    }

    /// Takes the line away.
    func clear() { line?.clear() }
}

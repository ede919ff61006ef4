import Foundation
import TestSupport
import Testing

/// `play` at a terminal 40 and 200 columns wide, its log lines on the same
/// terminal: the status line is redrawn in place, never as wide as the
/// terminal, and a log line is written above it, never on its row.
///
/// The device is a Snapcast pipe that the test reads: left unread, it
/// fills, the session stalls and the device is reported lost (a warning)
/// while the status line shows; read, it lets the session finish.
@Suite struct StatusLineTests {
    @Test(arguments: [40, 200])
    func theStatusLineFitsAndLogLinesGoAboveIt(columns: Int) throws {
        let run = try StalledPlay(columns: columns)
        // Into the first hold (3.4 s to 6.4 s), where the line is longest.
        run.read(seconds: 4.5)
        try run.waitForDrawsAroundALogLine()
        run.drainAndFinish()
        #expect(run.player.terminationStatus == 0, "\(run.terminal.output.debugDescription)")

        let screen = TerminalRows(columns: columns, output: run.terminal.output)
        let statusDraws = screen.draws.filter(isStatusLine)
        #expect(statusDraws.count >= 2)
        for draw in statusDraws {
            #expect(draw.count < columns, "a status line \(draw.count) columns wide: \(draw.debugDescription)")
        }
        // Shortened, it keeps the time left; on a wide terminal nothing is left out.
        #expect(statusDraws.allSatisfy { $0.contains(" left") })
        // In the first hold: its seconds and the time left, whatever the width.
        let hold = statusDraws.first { $0.contains(" s  0:4") }
        #expect(hold != nil, "\(statusDraws)")
        if columns == 200 {
            #expect(hold?.hasPrefix("Round 1/2  Pose 1/2 Seated forward fold with a strap  [") == true, "\(statusDraws)")
        }
        #expect(screen.wrapped.filter(isStatusLine).isEmpty, "\(screen.wrapped)")
        #expect(!screen.lines.contains(where: isStatusLine), "a status line scrolled up: \(screen.lines)")
        // `stretchcue:`, the line's metadata (`device=...`), then its module.
        let logLines = screen.lines.filter { $0.contains(/stretchcue:( \S+=\S+)* \[/) }
        #expect(logLines.contains { $0.contains("takes no frames") }, "\(screen.lines)")
        for line in logLines {
            #expect(TerminalRows.startsLogLine(line), "a log line not at the start of its row: \(line.debugDescription)")
        }
    }

    /// Narrowed from 200 to 40 columns in the middle of a session (and told
    /// with SIGWINCH): the status line is drawn to the new width.
    @Test func aResizedTerminalGetsALineOfItsNewWidth() throws {
        let run = try StalledPlay(columns: 200)
        run.read(seconds: 4.5)
        try run.waitForDrawsAroundALogLine()
        let before = run.terminal.output.unicodeScalars.count
        run.terminal.resize(columns: 40)
        kill(run.player.processIdentifier, SIGWINCH)
        let deadline = Date().addingTimeInterval(20)
        var narrowed = false
        while !narrowed, Date() < deadline {
            let after = String(String.UnicodeScalarView(run.terminal.output.unicodeScalars.dropFirst(before)))
            narrowed = TerminalRows(columns: 40, output: after).draws.contains {
                isStatusLine($0) && $0.contains("1/2 ") && $0.count < 40
            }
            usleep(20_000)
        }
        run.drainAndFinish()
        #expect(narrowed, "\(run.terminal.output.debugDescription)")
        #expect(run.player.terminationStatus == 0)
    }
}

/// Whether `text` is a status line: neither a log line nor the summary after the session.
private func isStatusLine(_ text: String) -> Bool {
    !TerminalRows.startsLogLine(text) && !text.hasPrefix("stretchcue: ")
}

/// `play` at a pseudo-terminal `columns` wide, on a Snapcast FIFO that is
/// not read until `drainAndFinish`.
private final class StalledPlay {
    let folder = Repository.temporaryFolder("stretchcue-status")
    let terminal: PseudoTerminal
    let player: Process
    private let fifo: Int32

    init(columns: Int) throws {
        // Long names and two rounds: a full line is wider than 40 columns.
        let routine = folder + "/routine.yaml"
        try """
            name: Status line
            rounds: 2
            hold: 3
            settle: 0.5
            rest: 0.5
            breathing: "2:2"
            poses:
              - id: one
                name: Seated forward fold with a strap
                prompt: side.left
              - id: two
                name: Thread the needle
                prompt: side.right
                sides: [left, right]
            """.write(toFile: routine, atomically: true, encoding: .utf8)
        let path = folder + "/snap.fifo"
        guard mkfifo(path, 0o600) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno)!) }
        fifo = open(path, O_RDONLY | O_NONBLOCK)
        terminal = try PseudoTerminal(columns: columns)
        player = try terminal.start(
            [
                "play", routine, "-D", "snapcast:pipe:" + path, "--earcon-device", "output", "--lead-in-ms", "0",
                "--stall-timeout", "0.2", "--give-up-after", "60",
            ],
            errors: FileHandle(fileDescriptor: terminal.slave), environment: ["XDG_STATE_HOME": folder + "/state"])
    }

    deinit {
        if player.isRunning { kill(player.processIdentifier, SIGKILL) }
        close(fifo)
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Reads `seconds` of the session's sound (48 kHz, 16-bit stereo) from the FIFO.
    func read(seconds: Double) {
        var left = Int(seconds * 48_000) * 4
        var bytes = [UInt8](repeating: 0, count: 65_536)
        var poller = pollfd(fd: fifo, events: Int16(POLLIN), revents: 0)
        while left > 0, player.isRunning {
            _ = poll(&poller, 1, 50)
            let count = bytes.withUnsafeMutableBytes { Glibc.read(fifo, $0.baseAddress, min(left, $0.count)) }
            if count > 0 { left -= count }
        }
    }

    /// Waits until the terminal shows a status line drawn, a log line after
    /// it, and the status line drawn again after that.
    func waitForDrawsAroundALogLine() throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let output = terminal.output
            if let draw = output.range(of: "\u{1B}[2K"),
                let log = output.range(of: "takes no frames", range: draw.upperBound..<output.endIndex),
                output.range(of: " left", range: log.upperBound..<output.endIndex) != nil
            {
                return
            }
            #expect(player.isRunning, "\(output.debugDescription)")
            guard player.isRunning else { return }
            usleep(20_000)
        }
        Issue.record("no status line, log line and status line by 30 s: \(terminal.output.debugDescription)")
    }

    /// Reads the FIFO until the program has ended.
    func drainAndFinish() {
        var bytes = [UInt8](repeating: 0, count: 65_536)
        var poller = pollfd(fd: fifo, events: Int16(POLLIN), revents: 0)
        let deadline = Date().addingTimeInterval(60)
        while player.isRunning, Date() < deadline {
            _ = poll(&poller, 1, 50)
            _ = bytes.withUnsafeMutableBytes { Glibc.read(fifo, $0.baseAddress, $0.count) }
        }
        if player.isRunning { kill(player.processIdentifier, SIGKILL) }
        player.waitUntilExit()
        // What the program wrote last reaches the test's reader.
        let written = Date()
        while terminal.output.contains("stretchcue: played") == false, Date().timeIntervalSince(written) < 5 { usleep(10_000) }
    }
}

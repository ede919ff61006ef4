import Controls
import Foundation
import Playback
import Routines
import Testing
import Timing

/// The words on the screen, from a status alone; and the keys' help, which
/// is the README's table.
@Suite struct StatusTextTests {
    static let routine = Routine(
        name: "Two", rounds: 2, hold: 20, settle: 1, rest: 1, breathing: BreathPattern(inhale: 2, exhale: 2),
        poses: [
            Pose(id: "cobra", name: "Cobra", prompt: .voice("pose.cobra")),
            Pose(id: "knees", name: "Knee pulls", prompt: .voice("pose.knee-pulls"), sides: [.left, .both]),
        ])
    let timeline: Timeline

    init() throws {
        timeline = try Timeline(
            routine: Self.routine, options: SessionOptions(), sounds: FixedLengths(frames: 48_000))
    }

    func status(_ frame: Int64, paused: Bool = false, volume: Double = 0, breathOn: Bool = true) -> LiveStatus {
        LiveStatus(timeline: timeline, frame: frame, paused: paused, volume: volume, breathOn: breathOn)
    }

    @Test func beforeTheFirstPoseItIsStarting() {
        let line = StatusText.line(status(0))
        #expect(line.hasPrefix("Starting  "))
        #expect(line.hasSuffix(" left"))
        #expect(StatusText.stepLine(status(0)) == nil)
    }

    /// The step heard is the last one begun, on each side of every step's first frame.
    @Test func theStepHeardChangesOnTheFirstFrameOfEachStep() {
        #expect(status(-1).stepNumber == 0 && status(-1).step == nil)
        for (index, step) in timeline.steps.enumerated() {
            #expect(status(step.start - 1).stepNumber == index, "the frame before step \(index + 1)")
            #expect(status(step.start).stepNumber == index + 1, "the first frame of step \(index + 1)")
            #expect(status(step.start).step == step)
        }
        let end = status(timeline.frames)
        // Two rounds of the cobra and the knee pulls' two sides.
        #expect(end.stepNumber == 6 && end.stepCount == 6)
        #expect(end.poseCount == 2 && end.rounds == 2)
    }

    @Test func halfWayThroughAHoldTheBarIsHalfFull() throws {
        let step = try #require(timeline.steps.first { $0.side == .left && $0.round == 2 })
        let middle = (step.holdStart + step.holdEnd) / 2
        let line = StatusText.line(status(middle, paused: true, volume: -4, breathOn: false))
        #expect(line.hasPrefix("Round 2/2  Pose 2/2 Knee pulls (left)  [##########----------] 10 s  "))
        #expect(line.hasSuffix("  vol -4 dB  breath off  PAUSED"))
        #expect(StatusText.stepLine(status(middle)) == "Round 2, pose 2 of 2: Knee pulls, left side, hold 20 s")
    }

    /// A pose named to retitle and clear the terminal and reverse the line
    /// is shown, on the status line and the plain one, with those escaped.
    @Test func aPoseNameCannotDriveTheTerminal() throws {
        let routine = Routine(
            name: "Hostile", hold: 20, settle: 1, rest: 1, breathing: BreathPattern(inhale: 2, exhale: 2),
            poses: [Pose(id: "cobra", name: "\u{1B}]0;owned\u{07}\u{1B}[2JCo\u{202E}bra", prompt: .voice("pose.cobra"))])
        let timeline = try Timeline(routine: routine, options: SessionOptions(), sounds: FixedLengths(frames: 48_000))
        let status = LiveStatus(timeline: timeline, frame: timeline.steps[0].start, paused: false, volume: 0, breathOn: true)
        let shown = #"\u{1B}]0;owned\u{7}\u{1B}[2JCo\u{202E}bra"#
        #expect(StatusText.line(status).hasPrefix("Pose 1/1 \(shown)  getting ready"))
        #expect(StatusText.stepLine(status) == "Round 1, pose 1 of 1: \(shown), hold 20 s")
    }

    @Test func beforeTheHoldItIsGettingReadyAndAtTheEndNothingIsLeft() throws {
        let step = timeline.steps[0]
        #expect(StatusText.line(status(step.start)).hasPrefix("Round 1/2  Pose 1/2 Cobra  getting ready  "))
        #expect(StatusText.line(status(timeline.frames)) == "Round 2/2  Pose 2/2 Knee pulls (both)  0:00 left")
    }

    @Test func commandsAreSaidInAFewWords() throws {
        let hold = timeline.steps[0].holdStart + 48_000
        #expect(StatusText.commandLine(.toggle, after: status(hold, paused: true)) == "Paused")
        #expect(StatusText.commandLine(.volume(2), after: status(hold, volume: 2)) == "Volume 2 dB")
        #expect(StatusText.commandLine(.edit(.lengthen), after: status(hold)) == "Hold now 20 s")
        #expect(StatusText.commandLine(.unknown, after: status(hold)) == "Key not used; ? shows the keys")
    }

    @Test func theHelpScreenIsTheREADMEsTableOfKeys() throws {
        let readme = try String(contentsOfFile: Self.repository + "/README.md", encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex(of: "| key | what it does |"), "no keys table in README.md")
        let rows = lines[(header + 2)...].prefix { $0.hasPrefix("|") }.map { row in
            row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        #expect(rows.map { $0[0] } == KeyBindings.keys.map(\.keys))
        #expect(rows.map { $0[1] } == KeyBindings.keys.map(\.meaning))
        // Every key listed does something, and the help screen says the same.
        #expect(KeyBindings.help.count == KeyBindings.keys.count)
        for (line, entry) in zip(KeyBindings.help, KeyBindings.keys) {
            #expect(line.hasPrefix(entry.keys) && line.hasSuffix(entry.meaning))
        }
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
}

/// Every sound the same length, so a timeline needs no sound files.
struct FixedLengths: SoundLengths {
    let frames: Int64
    func frames(of prompt: PromptRef) throws -> Int64 { frames }
    func frames(of kind: CueKind) -> Int64 { frames }
}

extension StatusTextTests {
    /// Narrower and narrower terminals: the line always stays off the last
    /// column, and what it leaves out goes in order, the time left and
    /// PAUSED last.
    @Test func theLineIsShortenedToStayOffTheLastColumn() throws {
        let step = try #require(timeline.steps.first { $0.side == .left && $0.round == 2 })
        let middle = status((step.holdStart + step.holdEnd) / 2, paused: true, volume: -4, breathOn: false)
        let full = "Round 2/2  Pose 2/2 Knee pulls (left)  [##########----------] 10 s  0:35 left  vol -4 dB  breath off  PAUSED"
        #expect(StatusText.line(middle) == full)
        for columns in 1...120 {
            let line = StatusText.line(middle, columns: columns)
            #expect(line.columns < columns || line.isEmpty, "\(columns) columns: \(line)")
        }
        let shortened = [
            full.count + 1: full,
            full.count: "Round 2/2  Pose 2/2 Knee pulls (left)  [#####-----] 10 s  0:35 left  vol -4 dB  breath off  PAUSED",
            90: "Round 2/2  Pose 2/2 Knee pulls (left)  10 s  0:35 left  vol -4 dB  breath off  PAUSED",
            80: "Round 2/2  Pose 2/2 Knee pulls (left)  10 s  0:35 left  PAUSED",
            48: "2/2 Knee pulls (left)  10 s  0:35 left  PAUSED",
            45: "2/2 Knee pu… (left)  10 s  0:35 left  PAUSED",
            40: "2/2 Kn… (left)  10 s  0:35 left  PAUSED",
            38: "2/2 (left)  10 s  0:35 left  PAUSED",
            30: "10 s  0:35 left  PAUSED",
            20: "0:35 left  PAUSED",
            12: "0:35 left…",
        ]
        for (columns, line) in shortened {
            #expect(StatusText.line(middle, columns: columns) == line, "\(columns) columns")
        }
    }

    /// A name in wide characters (two columns each) is cut by columns, not characters.
    @Test func aWideNameIsCutByTheColumnsItTakes() throws {
        let routine = Routine(
            name: "Wide", hold: 20, settle: 1, rest: 1, breathing: BreathPattern(inhale: 2, exhale: 2),
            poses: [Pose(id: "dog", name: "下向きの犬のポーズ", prompt: .voice("pose.cobra"))])
        let timeline = try Timeline(routine: routine, options: SessionOptions(), sounds: FixedLengths(frames: 48_000))
        let status = LiveStatus(timeline: timeline, frame: timeline.steps[0].start, paused: false, volume: 0, breathOn: true)
        #expect(StatusText.line(status) == "Pose 1/1 下向きの犬のポーズ  getting ready  0:24 left")
        #expect("下向きの犬のポーズ".columns == 18)
        let line = StatusText.line(status, columns: 30)
        #expect(line == "1/1 下向き…  ready  0:24 left")
        #expect(line.columns == 29)
    }
}

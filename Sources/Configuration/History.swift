import Glibc
import Routines
import SystemCalls
import Timing

/// One finished or stopped session, as a line of the history file.
public struct HistoryEntry: Equatable, Sendable {
    /// Wall-clock times, in seconds since 1970.
    public var start: Int64
    public var end: Int64
    public var routine: String
    public var rounds: Int
    /// Steps held to the end (`cobra`, `knee-pulls.left`), and steps skipped past.
    public var completed: [String]
    public var skipped: [String]
    /// Whether it was stopped before its end.
    public var stopped: Bool

    public init(
        start: Int64, end: Int64, routine: String, rounds: Int, completed: [String], skipped: [String], stopped: Bool
    ) {
        self.start = start
        self.end = end
        self.routine = routine
        self.rounds = rounds
        self.completed = completed
        self.skipped = skipped
        self.stopped = stopped
    }

    /// The entry as one JSON line.
    public var json: JSON {
        .object([
            ("start", .number(Double(start))), ("end", .number(Double(end))), ("routine", .string(routine)),
            ("rounds", .number(Double(rounds))), ("completed", .array(completed.map(JSON.string))),
            ("skipped", .array(skipped.map(JSON.string))), ("stopped", .bool(stopped)),
        ])
    }
}

/// The history file: one JSON line a session, appended.
public enum History {
    /// `2026-12-02 07:23`, in local time (`tzset()` first for the zone TZ names).
    public static func date(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        localtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min))"
    }

    /// Appends `entry` as one line, flushed to the disk.
    public static func append(_ entry: HistoryEntry, to path: String) throws(SystemError) {
        try Files.makeFolder(Files.folder(of: path), mode: 0o700)
        try Files.append(Array((entry.json.text + "\n").utf8), to: path, mode: 0o600)
    }

    /// The entries of the history at `path`, oldest first, and the lines that
    /// could not be read (a line torn by a power cut while it was written):
    /// skipped, never fatal. No file is an empty history.
    public static func load(from path: String) throws(InputError) -> (entries: [HistoryEntry], unreadable: [Int]) {
        let bytes: [UInt8]
        do {
            bytes = try Files.read(path, limit: 64 << 20)
        } catch where error.errno == .noEntry {
            return ([], [])
        } catch {
            throw InputError(file: path, message: "cannot read the history: \(error.reason)")
        }
        var entries: [HistoryEntry] = []
        var unreadable: [Int] = []
        for (index, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where !line.isEmpty {
            let text = String(decoding: line, as: UTF8.self)
            let file = "\(path):\(index + 1)"
            if let node = try? YAMLTree.parse(text, file: file), let entry = try? Reader(file: path, line: index + 1).entry(node) {
                entries.append(entry)
            } else {
                unreadable.append(index + 1)
            }
        }
        return (entries, unreadable)
    }

    /// The entries of the box's answer to `history` (`{"ok":true,"history":[...]}`); unreadable ones left out.
    public static func entries(inReply reply: String) -> [HistoryEntry] {
        guard let node = try? YAMLTree.parse(reply, file: "reply"), case .mapping(let pairs) = node.value,
            let list = pairs.first(where: { $0.key.text == "history" })?.value, case .sequence(let items) = list.value
        else { return [] }
        return items.compactMap { try? Reader(file: "reply", line: 1).entry($0) }
    }

    private struct Reader: YAMLReading {
        let file: String
        let line: Int

        func entry(_ node: YAMLNode) throws(InputError) -> HistoryEntry {
            let fields = try mapping(
                node, what: "a history entry", keys: ["start", "end", "routine", "rounds", "completed", "skipped", "stopped"])
            func time(_ key: String) throws(InputError) -> Int64 {
                Int64(try integer(fields.required(key, in: "an entry"), in: 0...Int(Int32.max) * 4, what: key))
            }
            func steps(_ key: String) throws(InputError) -> [String] {
                try list(fields.required(key, in: "an entry"), what: key) { node throws(InputError) in try text(node) }
            }
            return HistoryEntry(
                start: try time("start"), end: try time("end"), routine: try text(fields.required("routine", in: "an entry")),
                rounds: try integer(fields.required("rounds", in: "an entry"), in: RoutineLimits.rounds, what: "rounds"),
                completed: try steps("completed"), skipped: try steps("skipped"),
                stopped: try flag(fields.required("stopped", in: "an entry"), what: "stopped"))
        }
    }
}

/// Follows a playing session, from what the listener hears, into a history
/// entry: a step is completed once its hold was heard through its last
/// second to its end, skipped when it was heard but not that (a jump lands
/// near the end of the step it leaves, never in its last second of hold).
/// Steps never heard (before a resumed session's first) are neither.
public struct SessionRecord: Sendable {
    public let start: Int64
    public let routine: String
    private var completed: Set<Int> = []
    /// Steps heard, and those whose last second of hold was.
    private var heard: Set<Int> = []
    private var nearEnd: Set<Int> = []

    public init(start: Int64, routine: String) {
        self.start = start
        self.routine = routine
    }

    /// Notes that `frame` of `timeline` is being heard; to be called more
    /// often than once a second.
    public mutating func hear(_ frame: Int64, of timeline: Timeline) {
        guard let index = timeline.stepIndex(at: frame) else { return }
        heard.insert(index)
        let step = timeline.steps[index]
        if frame < step.holdEnd, frame >= step.holdEnd - Int64(timeline.sampleRate) { nearEnd.insert(index) }
        if frame >= step.holdEnd, nearEnd.contains(index) { completed.insert(index) }
    }

    /// The entry for the session as it ended at `end`.
    public func entry(end: Int64, timeline: Timeline, stopped: Bool) -> HistoryEntry {
        func name(_ index: Int) -> String {
            let step = timeline.steps[index]
            return step.side.map { "\(step.pose).\($0.rawValue)" } ?? step.pose
        }
        let heard = heard.filter { $0 < timeline.steps.count }.sorted()
        // The last step heard, when a session is stopped in it, is neither.
        let cutShort = stopped ? heard.last : nil
        return HistoryEntry(
            start: start, end: end, routine: routine, rounds: timeline.steps.map(\.round).max() ?? 1,
            completed: heard.filter(completed.contains).map(name),
            skipped: heard.filter { !completed.contains($0) && $0 != cutShort }.map(name), stopped: stopped)
    }
}

/// What a terminal `columns` wide shows of a program's output, row by row,
/// as far as a status line redrawn in place goes: carriage returns, line
/// breaks, erase-line (`ESC [ 2 K`) and wrapping at the last column; other
/// escape sequences are passed over.
public struct TerminalRows {
    /// The lines scrolled up, each ended by a line break: a line that
    /// wrapped is one, its rows joined.
    public private(set) var lines: [String] = []
    /// Every text drawn after an erase-line, up to the next control: each
    /// redraw of the status line (or a line written in its place).
    public private(set) var draws: [String] = []
    /// The lines that wrapped, their rows joined.
    public private(set) var wrapped: [String] = []

    private let columns: Int
    private var row: [Character] = []
    private var column = 0
    private var drawing: String?
    /// The rows before this one of a line that wrapped.
    private var wrappedRows: [String] = []

    public init(columns: Int, output: String) {
        self.columns = columns
        var scalars = output.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar {
            case "\r":
                endDraw()
                column = 0
            case "\n":
                endDraw()
                finishRow(wrapping: false)
            case "\u{1B}":
                endDraw()
                guard scalars.next() == "[" else { continue }
                var parameters = ""
                while let next = scalars.next() {
                    guard (0x40...0x7E).contains(next.value) else {
                        parameters.unicodeScalars.append(next)
                        continue
                    }
                    if next == "K", parameters == "2" {
                        row = []
                        drawing = ""
                    }
                    break
                }
            default:
                guard scalar.value >= 0x20 else { continue }
                if column >= columns {
                    finishRow(wrapping: true)
                }
                while row.count < column { row.append(" ") }
                if column < row.count { row[column] = Character(scalar) } else { row.append(Character(scalar)) }
                column += 1
                drawing?.unicodeScalars.append(scalar)
            }
        }
        endDraw()
    }

    /// Whether `row` starts with a log line's time stamp and level, as
    /// swift-log's stream handler writes them: `2026-12-07T01:37:10+0000 notice `.
    public static func startsLogLine(_ row: String) -> Bool {
        row.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} (trace|debug|info|notice|warning|error|critical) .*/) != nil
    }

    private mutating func endDraw() {
        if let drawing, !drawing.isEmpty { draws.append(drawing) }
        drawing = nil
    }

    private mutating func finishRow(wrapping: Bool) {
        wrappedRows.append(String(row))
        row = []
        column = 0
        guard !wrapping else { return }
        let line = wrappedRows.joined()
        if wrappedRows.count > 1 { wrapped.append(line) }
        lines.append(line)
        wrappedRows = []
    }
}

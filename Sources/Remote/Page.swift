import Configuration

/// The remote's pages, as HTML: the pairing form and the remote itself.
/// Every control is a button in a form that POSTs, so the page works with
/// JavaScript off; /remote.js, when it runs, sends the same forms without
/// leaving the page and follows the box's changes as they happen.
public enum Page {
    /// The actions of the control buttons, their labels and the request each sends the box.
    public static let actions: [(action: String, label: String, line: String)] = [
        ("pause", "Pause", "pause"), ("resume", "Resume", "resume"), ("back", "Back", "back"), ("next", "Next", "next"),
        ("shorter", "Shorter", "shorter"), ("longer", "Longer", "longer"), ("slower", "Slower", "slower"),
        ("faster", "Faster", "faster"), ("volume_down", "Volume down", "volume -2"), ("volume_up", "Volume up", "volume +2"),
        ("breath", "Breathing tones", "breath"), ("where", "Where am I?", "where"), ("stop", "Stop", "stop"),
    ]

    private static func document(_ body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Stretchcue remote</title>
        <link rel="stylesheet" href="/style.css">
        <script src="/remote.js" defer></script>
        </head>
        <body>
        <main>
        <h1>Stretchcue</h1>
        \(body)
        </main>
        </body>
        </html>

        """
    }

    /// The form that asks for the pairing secret, with `problem` said above it.
    public static func pairing(code: String?, problem: String?) -> String {
        document(
            """
            <p>This remote needs the pairing secret once. On the box, <code>stretchcue remote --pair</code> shows it (and so does the remote's log).</p>
            \(problem.map { "<p class=\"problem\" role=\"alert\">\(FormCoding.html($0))</p>" } ?? "")
            <form method="post" action="/pair">
            <label for="code">Pairing secret</label>
            <input id="code" name="code" autocomplete="off" autocapitalize="none" spellcheck="false" required value="\(FormCoding.html(code ?? ""))">
            <button type="submit">Pair</button>
            </form>
            """)
    }

    /// The remote: what the box is doing, its controls, starting a routine, the last sessions (newest first).
    public static func remote(status json: String?, routines: [String], history: [HistoryEntry], token: String, problem: String?) -> String {
        let status = BoxStatus(json: json)
        let token = "<input type=\"hidden\" name=\"token\" value=\"\(FormCoding.html(token))\">"
        let paused = status.state == "paused"
        let buttons = actions.map { action, label, _ in
            let hidden = (action == "pause" && paused) || (action == "resume" && !paused) ? " hidden" : ""
            // A toggle: its state said by aria-pressed, its name the same either way.
            let pressed = action == "breath" ? " aria-pressed=\"\(status["breath"] == "false" ? "false" : "true")\"" : ""
            return "<button type=\"submit\" name=\"action\" value=\"\(action)\" id=\"do-\(action)\"\(hidden)\(pressed)>\(label)</button>"
        }
        let options = routines.map { "<option>\(FormCoding.html($0))</option>" }
        return document(
            """
            <p id="problem" class="problem" role="alert">\(FormCoding.html(problem ?? ""))</p>
            <section aria-labelledby="now">
            <h2 id="now">Now</h2>
            <p id="state">\(FormCoding.html(stateLine(status)))</p>
            <p id="pose" aria-live="polite" aria-atomic="true">\(FormCoding.html(status.poseLine))</p>
            <p class="hold"><label for="hold">Hold</label>
            <progress id="hold" max="1000" value="\(holdFraction(status).map { String(Int($0 * 1000)) } ?? "0")"></progress>
            <span id="hold-left">\(holdLeft(status))</span></p>
            <p id="left">\(status.number("remaining").map { "Time left: \(BoxStatus.clock($0))" } ?? "")</p>
            </section>
            <form method="post" action="/do" class="controls" aria-label="Controls">
            \(token)
            \(buttons.joined(separator: "\n"))
            </form>
            <section aria-labelledby="start-heading">
            <h2 id="start-heading">Start</h2>
            <form method="post" action="/do" class="start">
            \(token)
            <label for="routine">Routine</label>
            <select id="routine" name="routine">
            \(options.joined(separator: "\n"))
            </select>
            <label for="length">Length (optional, like 15m)</label>
            <input id="length" name="length" inputmode="text" autocomplete="off" pattern="^$|^([0-9]+h)?([0-9]+m)?([0-9]+s)?$">
            <details>
            <summary>Options (the box's settings unless given)</summary>
            <label for="rounds">Rounds</label>
            <input id="rounds" name="rounds" type="number" min="1" max="9" step="1" inputmode="numeric">
            <label for="hold-seconds">Hold, seconds</label>
            <input id="hold-seconds" name="hold" type="number" min="1" max="1800" step="any" inputmode="decimal">
            <label for="pace">Pace (1 as written, 2 twice as fast)</label>
            <input id="pace" name="pace" type="number" min="0.25" max="4" step="0.05" inputmode="decimal">
            <label for="breathing">Breathing, in:out seconds (like 4:6)</label>
            <input id="breathing" name="breathing" autocomplete="off" pattern="^$|^[0-9.]+(:[0-9.]+){1,3}$">
            </details>
            <button type="submit" name="action" value="start">Start</button>
            </form>
            </section>
            <section aria-labelledby="history-heading">
            <h2 id="history-heading">Last sessions</h2>
            \(history.isEmpty ? "<p>None yet.</p>" : "<ol class=\"history\">\n" + history.reversed().map(session).joined(separator: "\n") + "\n</ol>")
            </section>
            """)
    }

    /// One session of the history, as a list item.
    private static func session(_ entry: HistoryEntry) -> String {
        let poses = "\(entry.completed.count) done" + (entry.skipped.isEmpty ? "" : ", \(entry.skipped.count) skipped")
        let text = "\(History.date(entry.start)): \(entry.routine), \(BoxStatus.clock(Double(entry.end - entry.start))), \(poses)"
            + (entry.stopped ? ", stopped" : "")
        return "<li>\(FormCoding.html(text))</li>"
    }

    /// "Playing back-tension", "Paused", "Idle", "The box does not answer".
    static func stateLine(_ status: BoxStatus) -> String {
        switch status.state {
        case nil: "The box does not answer."
        case "idle": "Idle: nothing playing."
        case "waiting": "Waiting for the sound device."
        case let state?: "\(state.prefix(1).uppercased() + state.dropFirst()) \(status["routine"] ?? "")"
        }
    }

    private static func holdFraction(_ status: BoxStatus) -> Double? {
        guard let start = status.number("hold_start"), let end = status.number("hold_end"), let at = status.number("position"), end > start
        else { return nil }
        return min(1, max(0, (at - start) / (end - start)))
    }

    private static func holdLeft(_ status: BoxStatus) -> String {
        guard holdFraction(status) != nil, let end = status.number("hold_end"), let at = status.number("position") else { return "" }
        return BoxStatus.clock(end - at)
    }
}

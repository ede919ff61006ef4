import Configuration
import Playback
import Routines
import Service
import Testing

/// The control protocol's lines: every command read, every mistake refused
/// with what was expected, replies on one line.
@Suite struct RequestLineTests {
    @Test(arguments: [
        ("start", Request.start(routine: nil, resume: false)),
        ("start back-tension", .start(routine: "back-tension", resume: false)),
        ("start --resume", .start(routine: nil, resume: true)),
        ("start /home/me/r.yaml --resume", .start(routine: "/home/me/r.yaml", resume: true)),
        ("start --length 15m", .start(routine: nil, resume: false, length: 900)),
        ("start back-tension --length 1h30m", .start(routine: "back-tension", resume: false, length: 5400)),
        (
            "start back-tension --rounds 2 --hold 10 --pace 1.5 --breathing 4:6",
            .start(
                routine: "back-tension", resume: false,
                choices: StartChoices(rounds: 2, hold: 10, pace: 1.5, breathing: BreathPattern(parsing: "4:6")))
        ),
        ("start --hold 12.5 --length 20m", .start(routine: nil, resume: false, length: 1200, choices: StartChoices(hold: 12.5))),
        ("pause", .pause), ("resume", .resume), ("toggle", .toggle), ("next", .edit(.next)),
        ("back", .edit(.back)), ("longer", .edit(.lengthen)), ("shorter", .edit(.shorten)), ("faster", .edit(.faster)),
        ("slower", .edit(.slower)),
        ("volume +2", .volume(2)), ("volume -4", .volume(-4)), ("breath", .toggleBreath), ("where", .whereAmI), ("stop", .stop),
        ("status", .status), ("watch", .watch), ("  PAUSE  ", .pause),
    ])
    func everyCommandIsRead(line: String, expected: Request) throws {
        let request = try Request(line: line)
        #expect(request == expected)
        // And written back the same.
        #expect(try Request(line: try #require(request.line)) == request)
    }

    @Test func theTerminalsOwnRequestsHaveNoLine() {
        for request: Request in [.acknowledge, .unknown] { #expect(request.line == nil) }
    }

    @Test(arguments: [
        ("", "an empty line; expected a command"),
        ("dance", "unknown command 'dance'; expected one of: start [ROUTINE] [--resume] [--length L] [--rounds N] [--hold S] [--pace P] [--breathing IN:OUT], pause"),
        ("pause now", "`pause` takes no arguments"),
        ("volume", "`volume` takes a change in dB"),
        ("volume 2", "`volume` takes a change in dB"),
        ("volume +99", "`volume` takes a change in dB"),
        ("volume +x", "`volume` takes a change in dB"),
        ("start a b", "`start` takes one routine; expected start [ROUTINE] [--resume] [--length L]"),
        ("start --fast", "`start` takes one routine; expected start [ROUTINE] [--resume] [--length L]"),
        ("start --length", "--length takes a length of 1m to 24h, as 15m or 1h30m"),
        ("start --length 15x", "--length takes a length of 1m to 24h, as 15m or 1h30m"),
        ("start --length 25h", "--length takes a length of 1m to 24h, as 15m or 1h30m"),
        ("start --resume --length 15m", "--resume goes on as the saved session was; it takes no --length"),
        ("start --resume --hold 10", "--resume goes on as the saved session was; it takes no --rounds, --hold"),
        ("start --rounds 0", "--rounds takes a whole number from 1 to 9"),
        ("start --rounds x", "--rounds takes a whole number from 1 to 9"),
        ("start --hold", "--hold takes a number from 1 to 1800"),
        ("start --hold 1e9", "--hold takes a number from 1 to 1800"),
        ("start --hold nan", "--hold takes a number from 1 to 1800"),
        ("start --pace 9", "--pace takes a number from 0.25 to 4"),
        ("start --breathing 4", "--breathing takes IN:OUT or IN:HOLD:OUT:HOLD"),
    ])
    func mistakesAreRefusedWithWhatWasExpected(line: String, message: String) {
        #expect {
            try Request(line: line)
        } throws: { error in
            (error as? ControlError)?.description.hasPrefix(message) == true
        }
    }

    @Test func repliesAreOneLineOfJSON() {
        let reply = JSON.object([
            ("ok", .bool(false)), ("error", .string("a \"quoted\"\nline\twith\u{1} control \\ characters")),
            ("volume", .number(-2)), ("position", .number(12.25)), ("side", .null), ("list", .array([.number(1.5)])),
        ])
        #expect(
            reply.text
                == #"{"ok":false,"error":"a \"quoted\"\nline\twith\u0001 control \\ characters","volume":-2,"position":12.25,"side":null,"list":[1.5]}"#
        )
        #expect(!reply.text.contains("\n"))
    }

    /// Numbers that round to whole ones at three decimals are written whole:
    /// `0.` and `1.` are not JSON.
    @Test(arguments: [(0.0004, "0"), (0.9996, "1"), (-0.0004, "0"), (-2.9999, "-3"), (0.25, "0.25"), (-6.0214, "-6.021")])
    func numbersAreAlwaysJSON(value: Double, text: String) {
        #expect(JSON.number(value).text == text)
    }
}

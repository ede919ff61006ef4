import Routines
import TestSupport
import Testing

/// Routine files: what loads, what is refused, and where the error points.
@Suite struct RoutineLoaderTests {
    func load(_ yaml: String) throws(InputError) -> Routine {
        try RoutineLoader.parse(yaml: yaml, file: "mine.yaml", folder: Repository.root)
    }

    @Test func exportReadsBackAsTheSameRoutine() throws {
        let routine = BuiltInRoutines.backTension
        #expect(try load(routine.yaml) == routine)
    }

    @Test(arguments: ["Mine: \"evening\" #2", #"C:\\back\tension"#, "yes", "Évening, ünd Tee", " padded "])
    func aNameYAMLWouldMisreadIsQuotedAndReadsBack(name: String) throws {
        var routine = BuiltInRoutines.backTension
        routine.name = name
        #expect(try load(routine.yaml).name == name, "\(routine.yaml.prefix(80))")
    }

    @Test func everyKeyIsRead() throws {
        let routine = try load(
            """
            name: "Mine: evening"
            rounds: 2
            hold: 20
            settle: 1.5
            rest: 2
            breathing: "3:1:5:1"
            intro: intro.back-tension
            gains: {chime: -3, ambient: -6.5}
            poses:
              - id: twist
                name: Seated Twist
                prompt: Sounds/voice/pose.cobra.wav
                hold: 45
                sides: [right, left]
                side_prompts: {right: side.right}
                breathing: "4:4"
                release: release.back-bend
              - id: roll
                name: Spine Roll
                prompt: pose.cat-cow
                breaths: 3
                on_inhale: word.cow
            """)
        #expect(routine.name == "Mine: evening")
        #expect(routine.rounds == 2)
        #expect(routine.hold == 20)
        #expect(routine.settle == 1.5)
        #expect(routine.rest == 2)
        #expect(routine.breathing == BreathPattern(inhale: 3, holdIn: 1, exhale: 5, holdOut: 1))
        #expect(routine.outro == nil)
        #expect(routine.gains == ["chime": -3, "ambient": -6.5])
        #expect(try load(routine.yaml) == routine, "the gains are exported too")
        let twist = routine.poses[0]
        #expect(twist.prompt.source == .file(Repository.root + "/Sounds/voice/pose.cobra.wav"))
        #expect(twist.prompt.location == SourceLocation(file: "mine.yaml", line: 12, column: 13))
        #expect(twist.length == .hold(45))
        #expect(twist.sides == [.right, .left])
        #expect(twist.sidePrompts == [.right: .voice("side.right")])
        #expect(twist.breathing == BreathPattern(inhale: 4, exhale: 4))
        #expect(routine.poses[1].length == .breaths(3))
        #expect(routine.poses[1].inhalePrompt == .voice("word.cow"))
    }

    @Test(arguments: [
        ("name: x\nposes: []\n", 2, 8, "`poses` is empty"),
        ("name: x\nhodl: 3\nposes: []\n", 2, 1, "unknown key 'hodl' in a routine; expected one of: name, rounds"),
        ("name: x\nrounds: three\nposes: []\n", 2, 9, "rounds must be a whole number from 1 to 9; found 'three'"),
        ("name: x\nhold: 1801\nposes: []\n", 2, 7, "a hold of 1801 s is out of range; expected 1 to 1800 seconds"),
        ("name: x\nhold: \"30\"\nposes: []\n", 2, 7, "a hold must be a number of seconds"),
        ("name: x\nhold: -5\nposes: []\n", 2, 7, "out of range"),
        ("name: x\nposes:\n  - id: a\n    name: A\n", 3, 5, "a pose needs `prompt`"),
        ("name: x\nposes:\n  - {id: a, name: A, prompt: p, hold: 3, breaths: 2}\n", 3, 39, "has both `hold` and `breaths`"),
        ("name: x\nposes:\n  - {id: a, name: A, prompt: p, sides: [left, up]}\n", 3, 47, "unknown side 'up'"),
        ("name: x\nposes:\n  - {id: a, name: A, prompt: p, on_inhale: w}\n", 3, 44, "belongs to a breath-paced pose"),
        ("name: x\nposes:\n  - {id: a, name: A, prompt: gone.wav}\n", 3, 30, "prompt file 'gone.wav' not found"),
        ("name: x\nposes: [1, 2\n", 3, 1, "YAML syntax"),
        ("name: [a, b]\nposes: []\n", 1, 7, "expected text, found a list"),
        ("name: x\nname: y\nposes: []\n", 2, 1, "key 'name' appears twice"),
        ("name: &n x\nposes: *n\n", 2, 8, "aliases"),
        ("name: x\nbreathing: \"4:6:8\"\nposes: []\n", 2, 12, "breathing must be \"IN:OUT\""),
        ("name: x\ngains: {bells: -3}\nposes: []\n", 2, 9, "unknown key 'bells' in layer gains; expected one of: voice, chime, breath, ambient"),
        ("name: x\ngains: {chime: 20}\nposes: []\n", 2, 16, "a gain in dB of 20 is out of range; expected -60 to 12"),
    ])
    func badRoutinesPointAtTheirMistake(yaml: String, line: Int, column: Int, message: String) {
        #expect {
            try load(yaml)
        } throws: { error in
            guard let error = error as? InputError else { return false }
            #expect(error.file == "mine.yaml")
            #expect(error.line == line && error.column == column, "\(error)")
            #expect(error.description.contains(message), "\(error)")
            return true
        }
    }

    @Test func anEmptyFileIsRefusedWithoutAPosition() {
        #expect(throws: InputError(file: "mine.yaml", message: "the file is empty; expected a routine with `name` and `poses`")) {
            try load("# nothing here\n")
        }
    }

    /// A million `[` would take libyaml hours and a deep tree would overflow
    /// the stack when freed: both are refused at the 33rd level.
    @Test(arguments: [String(repeating: "[", count: 1_000_000), String(repeating: "- ", count: 300_000) + "x"])
    func deepNestingIsRefusedQuickly(yaml: String) {
        #expect {
            try load(yaml)
        } throws: { error in
            (error as? InputError)?.message == "lists and mappings nested over 32 deep; a routine needs at most 4"
        }
    }

    @Test func bracketsInQuotesAndCommentsAreNotNesting() throws {
        let deep = String(repeating: "[", count: 40)
        let routine = try load("name: \"\(deep)\" # \(deep)\nposes: [{id: a, name: '\(deep)', prompt: p}]\n")
        #expect(routine.name == deep && routine.poses[0].name == deep)
    }

    @Test func breathPatternsParseBothForms() {
        #expect(BreathPattern(parsing: "4:6") == BreathPattern(inhale: 4, exhale: 6))
        #expect(BreathPattern(parsing: "4:2:6:1") == BreathPattern(inhale: 4, holdIn: 2, exhale: 6, holdOut: 1))
        #expect(BreathPattern(parsing: "4") == nil)
        #expect(BreathPattern(parsing: "4:x") == nil)
        #expect(BreathPattern(parsing: "0.2:6")?.problem != nil)
        #expect(BreathPattern(parsing: "4:2.5:6:0")?.description == "4:2.5:6:0")
    }
}

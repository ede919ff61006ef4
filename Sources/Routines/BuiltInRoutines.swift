/// The routines that ship with Stretchcue, by name.
public enum BuiltInRoutines {
    /// Every built-in routine, keyed by the name the command line takes.
    public static let all: [String: Routine] = ["back-tension": backTension]

    /// The built-in routine called `name`, if there is one.
    public static func named(_ name: String) -> Routine? { all[name] }

    /// "Relieving Back Tension": seven poses for the back, each held about
    /// 30 s with deep belly breathing, cat/cow paced by the breath.
    public static let backTension = Routine(
        name: "Relieving Back Tension",
        rounds: 1,
        hold: 30,
        settle: 3,
        rest: 4,
        breathing: .deepBelly,
        intro: .voice("intro.back-tension"),
        outro: .voice("outro.back-tension"),
        poses: [
            Pose(
                id: "cat-cow", name: "Cat / Cow", prompt: .voice("pose.cat-cow"), length: .breaths(6),
                inhalePrompt: .voice("word.cow"), exhalePrompt: .voice("word.cat")),
            Pose(id: "childs-pose", name: "Child's Pose", prompt: .voice("pose.childs-pose")),
            Pose(id: "cobra", name: "Cobra", prompt: .voice("pose.cobra")),
            Pose(id: "downward-dog", name: "Downward Facing Dog", prompt: .voice("pose.downward-dog")),
            Pose(id: "hip-flexor", name: "Lying Hip Flexor Stretch", prompt: .voice("pose.hip-flexor")),
            Pose(
                id: "back-bend", name: "Back Bend", prompt: .voice("pose.back-bend"),
                releasePrompt: .voice("release.back-bend")),
            Pose(
                id: "knee-pulls", name: "Knee Pulls", prompt: .voice("pose.knee-pulls"),
                sides: [.left, .right, .both],
                sidePrompts: [
                    .left: .voice("side.knee-pulls.left"), .right: .voice("side.knee-pulls.right"),
                    .both: .voice("side.knee-pulls.both"),
                ],
                releasePrompt: .voice("release.knee-pulls")),
        ])
}

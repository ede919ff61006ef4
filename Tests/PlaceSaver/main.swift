// Saves two different places over one file, one after the other, until
// killed: the test kills it at random moments and checks the file is
// always one of them, whole (Tests/ServiceTests/SavedPlaceTests.swift).
import Configuration
import Timing

let path = CommandLine.arguments[1]
let places = [
    SavedPlace(routine: "back-tension", options: SessionOptions(), step: 1, round: 1, pose: "childs-pose", side: nil),
    SavedPlace(
        routine: "/a/much/longer/path/to/a/routine/file/so/that/a/torn/write/would/show.yaml",
        options: SessionOptions(rounds: 3, hold: 45, pace: 1.5, halfwayChime: true, countdown: 5), step: 12, round: 2,
        pose: "knee-pulls", side: .right),
]
var index = 0
while true {
    try places[index % 2].save(to: path)
    index += 1
}

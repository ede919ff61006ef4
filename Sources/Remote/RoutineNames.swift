import Routines
import SystemCalls

/// The routines the page offers, by name only: the built-in ones, then the
/// routine files (`NAME.yaml`) in the box's routine folders. The browser
/// sends back one of these names, never a path; the box resolves it.
public enum RoutineNames {
    public static func list(folders: [String]) -> [String] {
        let files = folders.flatMap { folder in
            ((try? Files.names(in: folder)) ?? []).filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }
        }
        var seen = Set<String>()
        return (BuiltInRoutines.all.keys.sorted() + files.sorted()).filter { seen.insert($0).inserted }
    }
}

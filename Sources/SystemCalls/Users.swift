import Glibc

/// The system's users and groups.
public enum Users {
    /// The id of the group named `name` (`getgrnam`); `nil` when there is none.
    public static func groupID(named name: String) -> gid_t? { getgrnam(name)?.pointee.gr_gid }
}

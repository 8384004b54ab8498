import Foundation

/// The local user running the command, for the entry's `by` field.
enum LocalUser {
    static var name: String? {
        guard let record = getpwuid(getuid()), let name = record.pointee.pw_name else { return nil }
        return String(cString: name)
    }
}

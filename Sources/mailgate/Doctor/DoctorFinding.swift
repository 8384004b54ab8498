/// One line of `mailgate doctor`: what was checked, how it stands, and what to do.
struct DoctorFinding: Codable, Equatable {
    enum Level: String, Codable, Comparable {
        case ok, info, warning, problem

        static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
        var rank: Int { [.ok: 0, .info: 1, .warning: 2, .problem: 3][self]! }

        var mark: String {
            switch self {
            case .ok: "ok     "
            case .info: "info   "
            case .warning: "WARNING"
            case .problem: "PROBLEM"
            }
        }
    }

    /// A short name for monitoring: `upstream.imap`, `descriptors`, `control-socket`, `entry.w1234`.
    var check: String
    var level: Level
    var message: String

    var line: String { "\(level.mark)  \(message)" }
}

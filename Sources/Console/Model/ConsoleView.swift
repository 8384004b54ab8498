import AccessPolicy

/// The screens of the console, in tab order.
public enum ConsoleView: Int, CaseIterable, Sendable, Hashable {
    case connections = 1, rejects, whitelist, blacklist, changes, help

    public var title: String {
        switch self {
        case .connections: "Connections"
        case .rejects: "Rejects"
        case .whitelist: "Whitelist"
        case .blacklist: "Blacklist"
        case .changes: "Changes"
        case .help: "Help"
        }
    }

    /// The list a view edits, if it edits one.
    public var list: ListKind? {
        switch self {
        case .whitelist: .whitelist
        case .blacklist: .blacklist
        default: nil
        }
    }

    /// Tab order wraps around the five data views and Help.
    public var next: ConsoleView { ConsoleView(rawValue: rawValue % 6 + 1)! }
    public var previous: ConsoleView { ConsoleView(rawValue: (rawValue + 4) % 6 + 1)! }
}

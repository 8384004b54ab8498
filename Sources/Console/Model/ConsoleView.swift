import AccessPolicy

/// The screens of the console, in tab order.
public enum ConsoleView: Int, CaseIterable, Sendable, Hashable {
    case connections = 1, rejects, whitelist, blacklist, changes, history, help

    public var title: String {
        switch self {
        case .connections: "Connections"
        case .rejects: "Rejects"
        case .whitelist: "Whitelist"
        case .blacklist: "Blacklist"
        case .changes: "Changes"
        case .history: "History"
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

    /// Tab order wraps around the six data views and Help.
    public var next: ConsoleView { ConsoleView(rawValue: rawValue % 7 + 1)! }
    public var previous: ConsoleView { ConsoleView(rawValue: (rawValue + 5) % 7 + 1)! }
}

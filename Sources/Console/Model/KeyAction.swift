/// Everything a key can do, in one table (the k9s/htop model): it drives key handling,
/// the footer, the Help view, the README's key list and `--readonly`.
public struct KeyAction: Hashable, Sendable {
    public enum ID: Hashable, Sendable {
        case help, nextView, previousView, showView
        /// j/k/arrows: one row; PgDn/PgUp: a page; g/G/Home/End: first or last row.
        case move, page, jump
        case filter, details, new, edit, delete, toggleTCPProxy
        /// The Rejects view's actions on the selected source.
        case openEntry, explain, blacklistSource, flagBalancer
        /// History: propose the inverse of the selected change.
        case undoRecord
        case confirmChange, undoChange, pause, quit, cancel
    }

    /// When an action is offered.
    public enum Condition: Hashable, Sendable {
        case always
        /// Only while a change waits for confirmation.
        case changePending
    }

    public var id: ID
    public var keys: [Key]
    /// A word or two for the footer.
    public var label: String
    public var description: String
    /// The views it works in; nil means everywhere.
    public var scope: Set<ConsoleView>?
    /// Changes the daemon's state: hidden and inert with --readonly.
    public var changesState: Bool
    /// Asks for confirmation first.
    public var dangerous: Bool
    public var inFooter: Bool
    public var condition: Condition

    init(_ id: ID, _ keys: [Key], _ label: String, _ description: String,
         scope: Set<ConsoleView>? = nil, changesState: Bool = false, dangerous: Bool = false,
         inFooter: Bool = true, condition: Condition = .always) {
        self.id = id
        self.keys = keys
        self.label = label
        self.description = description
        self.scope = scope
        self.changesState = changesState
        self.dangerous = dangerous
        self.inFooter = inFooter
        self.condition = condition
    }

    public func applies(in view: ConsoleView) -> Bool { scope?.contains(view) ?? true }

    public var scopeWords: String {
        guard let scope else { return "everywhere" }
        if scope == KeyActions.scrolling { return "every list" }
        if scope == KeyActions.tables { return "tables" }
        if scope == KeyActions.lists { return "White/Blacklist" }
        if scope == KeyActions.allButHistory { return "everywhere but History" }
        return ConsoleView.allCases.filter(scope.contains).map(\.title).joined(separator: ", ")
    }
}

/// The table itself.
public enum KeyActions {
    static let lists: Set<ConsoleView> = [.whitelist, .blacklist]
    static let tables: Set<ConsoleView> = [.connections, .rejects, .whitelist, .blacklist]
    static let scrolling: Set<ConsoleView> = tables.union([.changes, .history, .help])
    /// History has its own `u` (undo the selected record).
    static let allButHistory = Set(ConsoleView.allCases).subtracting([.history])

    public static let all: [KeyAction] = [
        KeyAction(.help, [.character("?"), .function(1)], "Help", "Show this help (press again to go back)"),
        KeyAction(.nextView, [.tab], "Next", "Next view", inFooter: false),
        KeyAction(.previousView, [.backTab], "Prev", "Previous view", inFooter: false),
        KeyAction(.showView, [.character("1"), .character("2"), .character("3"), .character("4"), .character("5"), .character("6")], "Views", "Connections, Rejects, Whitelist, Blacklist, Changes (pending changes), History (audit log) view", inFooter: false),
        KeyAction(.move, [.character("j"), .down, .character("k"), .up], "Move",
                  "Select the next / previous row", scope: scrolling, inFooter: false),
        KeyAction(.page, [.pageDown, .pageUp], "Page", "Move a page down / up", scope: scrolling, inFooter: false),
        KeyAction(.jump, [.character("g"), .home, .character("G"), .end], "Ends",
                  "Select the first / last row", scope: scrolling, inFooter: false),
        KeyAction(.filter, [.character("/")], "Filter", "Filter the rows (Enter keeps it, Esc clears it)", scope: tables),
        KeyAction(.details, [.enter], "Details",
                  "Show the selected row whole: every field, wrapped, nothing cut (Esc closes; e edits an entry)",
                  scope: tables.union([.changes, .history])),
        KeyAction(.new, [.character("n")], "New", "Add an entry (a form that checks as you type)",
                  scope: lists, changesState: true),
        KeyAction(.edit, [.character("e")], "Edit", "Edit the selected entry",
                  scope: lists, changesState: true),
        KeyAction(.delete, [.character("d"), .delete], "Delete", "Delete the selected entry (asks first)",
                  scope: lists, changesState: true, dangerous: true),
        KeyAction(.toggleTCPProxy, [.character("p")], "TCP Proxy",
                  "Toggle TCP Proxy on the selected entry (shows the impact; a risky change reverts itself unless confirmed)",
                  scope: [.whitelist], changesState: true, dangerous: true),
        KeyAction(.openEntry, [.character("o")], "Open entry",
                  "Open the whitelist or blacklist entry that decides the selected source", scope: [.rejects]),
        KeyAction(.explain, [.character("x")], "Explain",
                  "Explain the decision for the selected source (what `mailgate explain` prints), per service", scope: [.rejects]),
        KeyAction(.blacklistSource, [.character("b")], "Blacklist",
                  "Blacklist the selected source (asks first; shows the impact; a risky change reverts itself unless confirmed)",
                  scope: [.rejects], changesState: true, dangerous: true),
        KeyAction(.flagBalancer, [.character("f")], "Flag LB",
                  "Flag the selected source as a load balancer (TCP Proxy), when it sent PROXY headers unflagged (shows the impact)",
                  scope: [.rejects], changesState: true, dangerous: true),
        KeyAction(.undoRecord, [.character("u")], "Undo",
                  "Propose the inverse of the selected change as a new change (asks first; shows the impact; reverts itself unless confirmed)",
                  scope: [.history], changesState: true, dangerous: true),
        KeyAction(.confirmChange, [.character("c")], "Confirm", "Confirm the pending change (the selected one in Changes; stops its auto-revert)",
                  changesState: true, condition: .changePending),
        KeyAction(.undoChange, [.character("u")], "Undo", "Undo the pending change now (the selected one in Changes)",
                  scope: allButHistory, changesState: true, condition: .changePending),
        KeyAction(.pause, [.character(" ")], "Pause", "Pause or resume live updates"),
        KeyAction(.quit, [.character("q"), .function(10)], "Quit", "Quit the console"),
        KeyAction(.cancel, [.escape], "Cancel", "Close a dialog, stop or clear a filter", inFooter: false),
    ]

    /// The actions a user may use now: readonly hides those that change anything.
    public static func available(readonly: Bool) -> [KeyAction] {
        all.filter { !(readonly && $0.changesState) }
    }

    /// The action a key triggers in a view, or nil (also nil for hidden actions).
    public static func action(for key: Key, in view: ConsoleView, readonly: Bool, changePending: Bool) -> KeyAction? {
        available(readonly: readonly).first {
            $0.keys.contains(key) && $0.applies(in: view) && ($0.condition == .always || changePending)
        }
    }

    /// The footer's actions for a view, in table order.
    public static func footer(for view: ConsoleView, readonly: Bool, changePending: Bool) -> [KeyAction] {
        available(readonly: readonly).filter {
            $0.inFooter && $0.applies(in: view) && ($0.condition == .always || changePending)
        }
    }

    /// Which footer actions stay when the line is too short: the pending change's keys,
    /// then Help and Quit, then the rest in table order.
    static func footerRank(_ action: KeyAction) -> Int {
        switch action.id {
        case .confirmChange, .undoChange, .undoRecord: 0
        case .help, .quit: 1
        case .toggleTCPProxy: 2
        default: 3
        }
    }

    /// The key list as a Markdown table, for the README.
    public static func markdown(readonly: Bool = false) -> String {
        var lines = ["| Keys | Action | Where | Notes |", "|---|---|---|---|"]
        for action in available(readonly: readonly) {
            var notes: [String] = []
            if action.changesState { notes.append("changes state; hidden with `--readonly`") }
            if action.dangerous { notes.append("asks first") }
            if action.condition == .changePending { notes.append("while a change is pending") }
            let keys = action.keys.map { "`\($0.label)`" }.joined(separator: " ")
            lines.append("| \(keys) | \(action.description) | \(action.scopeWords) | \(notes.joined(separator: "; ")) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

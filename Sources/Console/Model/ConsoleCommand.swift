import AccessPolicy

/// One edit of a list, as the console sends it: what, on which entry, from which revision.
public struct ListWrite: Hashable, Sendable {
    public enum Action: Hashable, Sendable {
        case add(EntryDraft)
        case update(entryID: String, EntryDraft)
        case remove(entryID: String)
    }
    public var list: ListKind
    public var action: Action
    public var revision: String
    /// The entry's source, for the dialog's title.
    public var source: String

    public init(list: ListKind, action: Action, revision: String, source: String) {
        self.list = list
        self.action = action
        self.revision = revision
        self.source = source
    }
}

/// What the console asks of the daemon after a key press. The model only asks; whoever
/// feeds it (the API client, or the fixture) carries it out and feeds back the answers.
public enum ConsoleCommand: Hashable, Sendable {
    /// A write sent unacknowledged: applied at once when it has no impact; otherwise the
    /// daemon answers with the impact report, and the impact dialog opens.
    case write(ListWrite)
    /// The same write after the impact dialog: applied as a pending change that reverts itself.
    case acknowledgedWrite(ListWrite)
    case confirmChange(id: String)
    case revertChange(id: String)
    case quit
}

import AccessPolicy

/// What the console asks of the daemon after a key press. The model only asks; whoever
/// feeds it (the API client, or the fixture) carries it out and feeds back the answers.
public enum ConsoleCommand: Hashable, Sendable {
    /// Fetch the impact report for the warning dialog.
    case fetchImpact(entryID: String)
    /// Turn `tcp_proxy` on, acknowledging the impact shown; answered with a pending change.
    case enableTCPProxy(entryID: String, revision: String)
    case disableTCPProxy(entryID: String, revision: String)
    case addEntry(ListKind, EntryDraft, revision: String)
    case updateEntry(ListKind, entryID: String, EntryDraft, revision: String)
    case deleteEntry(ListKind, entryID: String, revision: String)
    case confirmChange(id: String)
    case revertChange(id: String)
    case quit
}

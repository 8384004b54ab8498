import AccessPolicy
import Foundation

/// A `tcp_proxy` change waiting for confirmation; it reverts itself at `deadline`.
public struct PendingChangeInfo: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable { case pending, confirmed, reverted }
    public var id: String
    public var list: ListKind
    public var entryID: String
    public var source: String
    public var summary: String
    public var by: String?
    public var created: Date
    public var deadline: Date
    public var state: State
    /// How it ended, in words (who confirmed it; what the revert did or why it had nothing to do).
    public var outcome: String?
    enum CodingKeys: String, CodingKey {
        case id, list, source, summary, by, created, deadline, state, outcome
        case entryID = "entry_id"
    }

    public init(id: String, list: ListKind, entryID: String, source: String, summary: String, by: String? = nil, created: Date, deadline: Date, state: State, outcome: String? = nil) {
        self.id = id
        self.list = list
        self.entryID = entryID
        self.source = source
        self.summary = summary
        self.by = by
        self.created = created
        self.deadline = deadline
        self.state = state
        self.outcome = outcome
    }
}

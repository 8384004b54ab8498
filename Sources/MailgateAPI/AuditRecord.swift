import AccessPolicy
import Foundation

/// One line of the append-only audit log, and an item of `GET /v1/audit`.
public struct AuditRecord: Codable, Sendable, Hashable {
    /// Unique per record: crash recovery looks it up so that a write is recorded exactly once.
    public var id: String?
    public var time: Date
    /// The local user (from SO_PEERCRED), or "file" for a hand edit picked up by a reload.
    public var user: String
    public var uid: UInt32?
    /// e.g. `whitelist.add`, `whitelist.update`, `whitelist.remove`, `change.confirm`, `change.revert`, `change.auto-revert`, `reload`.
    public var action: String
    public var list: ListKind?
    public var entryID: String?
    public var before: AccessEntry?
    public var after: AccessEntry?
    public var detail: String?
    /// The pending change this record starts, confirms or reverts (its id), if any.
    public var change: String?
    enum CodingKeys: String, CodingKey {
        case id, time, user, uid, action, list, before, after, detail, change
        case entryID = "entry_id"
    }

    public init(id: String? = nil, time: Date, user: String, uid: UInt32?, action: String, list: ListKind?, entryID: String?,
                before: AccessEntry?, after: AccessEntry?, detail: String?, change: String? = nil) {
        self.id = id
        self.time = time
        self.user = user
        self.uid = uid
        self.action = action
        self.list = list
        self.entryID = entryID
        self.before = before
        self.after = after
        self.detail = detail
        self.change = change
    }
}

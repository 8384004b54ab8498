import AccessPolicy
import Foundation

/// The answer to a successful write: the new revision, the entry, and the pending change
/// (with its deadline) when the write turned `tcp_proxy` on.
public struct EntryWriteResponse: Codable, Sendable, Hashable {
    public var revision: String
    public var entry: AccessEntry?
    public var pendingChange: PendingChangeInfo?
    enum CodingKeys: String, CodingKey {
        case revision, entry
        case pendingChange = "pending_change"
    }

    public init(revision: String, entry: AccessEntry? = nil, pendingChange: PendingChangeInfo? = nil) {
        self.revision = revision
        self.entry = entry
        self.pendingChange = pendingChange
    }
}

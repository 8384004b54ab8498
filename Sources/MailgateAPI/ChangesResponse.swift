import Foundation

/// `GET /v1/changes`: pending changes first, then recently confirmed or reverted ones.
public struct ChangesResponse: Codable, Sendable, Hashable {
    public var changes: [PendingChangeInfo]

    public init(changes: [PendingChangeInfo]) {
        self.changes = changes
    }
}

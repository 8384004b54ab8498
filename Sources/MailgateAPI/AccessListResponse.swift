import AccessPolicy
import Foundation

/// `GET /v1/whitelist` and `/v1/blacklist`: the list and the revision writes must name in `If-Match`.
public struct AccessListResponse: Codable, Sendable, Hashable {
    public var list: ListKind
    public var revision: String
    public var entries: [AccessEntry]

    public init(list: ListKind, revision: String, entries: [AccessEntry]) {
        self.list = list
        self.revision = revision
        self.entries = entries
    }
}

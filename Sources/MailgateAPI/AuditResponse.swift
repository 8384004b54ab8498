import Foundation

/// `GET /v1/audit`: the newest records, oldest first.
public struct AuditResponse: Codable, Sendable, Hashable {
    public var records: [AuditRecord]

    public init(records: [AuditRecord]) {
        self.records = records
    }
}

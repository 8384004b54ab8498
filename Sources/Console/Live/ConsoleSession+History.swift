import Control

/// The History view's feed: the audit log once connected, and again whenever the event
/// stream reports a configuration change or a revert (each writes a record).
extension ConsoleSession {
    static let auditPath = "/v1/audit?limit=500"

    func reloadAudit(_ client: ControlClient) async throws {
        let records = try await client.call(AuditResponse.self, .GET, Self.auditPath).records
        post { $0.apply(audit: records) }
    }
}

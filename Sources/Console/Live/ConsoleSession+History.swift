import ControlClient
import Foundation
import MailgateAPI

/// The History view's feed: the audit log once connected, and again whenever the event
/// stream reports a configuration change or a revert (each writes a record).
extension ConsoleSession {
    /// The newest records the view holds.
    static let auditLimit = 500

    func reloadAudit(_ client: ControlClient) async throws {
        let records = try await client.call(Endpoints.audit, query: [URLQueryItem(name: "limit", value: "\(Self.auditLimit)")]).records
        post { $0.apply(audit: records) }
    }
}

import AccessPolicy
import Foundation
import Gate
import Hummingbird
import MailgateAPI

/// The query of `GET /v1/events` and `/v1/events/stream`: `reason`, `source` (an address,
/// CIDR or range, matched against the peer and the real client), `service`, `kind`,
/// `since` (a sequence number) and `limit`.
struct EventFilter: Sendable {
    var reason: RejectReason?
    var source: AddressSource?
    var service: String?
    /// An event kind as the API names it (a gate or a control-plane kind).
    var kind: String?
    var since: UInt64?
    var limit: Int?

    init(_ request: Request) throws(APIError) {
        let query = request.uri.queryParameters
        if let text = query.get("reason") {
            guard let value = RejectReason(rawValue: text) else {
                throw APIError.badRequest("invalid-query", "reason \"\(text)\" is not one of: \(RejectReason.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            reason = value
        }
        if let text = query.get("source") {
            do { source = try AddressSource(parsing: text) } catch {
                throw APIError.badRequest("invalid-query", "source: \(error.description)")
            }
        }
        if let text = query.get("kind") {
            guard Event.kindNames.contains(text) else {
                throw APIError.badRequest("invalid-query", "kind \"\(text)\" is not one of: \(Event.kindNames.joined(separator: ", "))")
            }
            kind = text
        }
        service = query.get("service")
        if let text = query.get("since") {
            guard let value = UInt64(text) else { throw APIError.badRequest("invalid-query", "since must be an event sequence number, not \"\(text)\"") }
            since = value
        }
        if let text = query.get("limit") {
            guard let value = Int(text), value >= 0 else { throw APIError.badRequest("invalid-query", "limit must be a whole number, not \"\(text)\"") }
            limit = value
        }
    }

    func matches(_ item: Event) -> Bool {
        if let kind, item.kindName != kind { return false }
        guard let event = item.gate else { return reason == nil && service == nil && source == nil }
        if let reason, event.reason != reason { return false }
        if let service, event.service != service { return false }
        if let source {
            let hit = (event.peer.map(source.contains) ?? false) || (event.realClient.map(source.contains) ?? false)
            if !hit { return false }
        }
        return true
    }
}

import AccessPolicy
import Foundation
import MailgateAPI

/// Rejects from one source for one reason, aggregated (the Rejects view).
public struct RejectSummary: Hashable, Sendable {
    public var source: String
    public var reason: RejectReason
    public var services: [String]
    public var count: Int
    public var firstSeen: Date
    public var lastSeen: Date
    /// Times of the recent rejects (the last 15 minutes at most), for the rate.
    public var recent: [Date]

    /// Rejects a minute over the last minute before `now`.
    public func perMinute(now: Date) -> Int { recent.filter { now.timeIntervalSince($0) < 60 && $0 <= now }.count }

    /// The key rejects are grouped by: the real client when a header named one, else the peer.
    static func key(of event: GateEvent) -> (source: String, reason: RejectReason)? {
        guard event.kind == .rejected, let reason = event.reason else { return nil }
        let address = event.realClient ?? event.peer
        return (address.map { "\($0)" } ?? "unknown", reason)
    }
}

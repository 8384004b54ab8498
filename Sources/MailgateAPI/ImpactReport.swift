import AccessPolicy
import Foundation

/// What a proposed change to either list would do, computed from live traffic:
/// the answer of `POST /v1/impact` and `GET /v1/whitelist/{id}/impact`, and the body of the
/// 409 that asks for `acknowledge_impact`. Only what changes decision is listed.
public struct ImpactReport: Codable, Sendable, Hashable {
    /// A source seen recently (or connected now) that the change would refuse.
    public struct Affected: Codable, Sendable, Hashable {
        public enum Outcome: String, Codable, Sendable, Hashable {
            /// A direct client of a source that would now have to send a PROXY header.
            case headerMissing = "refused-proxy-header-missing"
            /// A direct client, or a load balancer, that would now be blacklisted.
            case blacklisted = "refused-blacklisted"
            /// A flagged load balancer that stops being flagged: its headers would be refused
            /// as spoofed, so every client behind it is cut off.
            case loadBalancerCutOff = "load-balancer-cut-off"
            /// A real client behind a load balancer (named in its PROXY header) that would be blacklisted.
            case clientBehindProxyBlacklisted = "client-behind-proxy-blacklisted"
        }
        /// The exact address seen.
        public var source: String
        public var services: [String]
        public var outcome: Outcome
        /// Connections of that kind seen from it.
        public var lastMinute: Int
        public var last15Minutes: Int
        /// Of them, open now: they are not dropped, but would be refused on reconnecting.
        public var openNow: Int
        enum CodingKeys: String, CodingKey {
            case source, services, outcome
            case lastMinute = "last_minute"
            case last15Minutes = "last_15_minutes"
            case openNow = "open_now"
        }

        public init(source: String, services: [String], outcome: Outcome, lastMinute: Int, last15Minutes: Int, openNow: Int) {
            self.source = source
            self.services = services
            self.outcome = outcome
            self.lastMinute = lastMinute
            self.last15Minutes = last15Minutes
            self.openNow = openNow
        }
    }

    /// PROXY headers one exact address sent while not flagged: evidence that it is a load
    /// balancer (counted per address, never summed over a range).
    public struct Evidence: Codable, Sendable, Hashable {
        public var source: String
        public var services: [String]
        public var lastMinute: Int
        public var last15Minutes: Int
        enum CodingKeys: String, CodingKey {
            case source, services
            case lastMinute = "last_minute"
            case last15Minutes = "last_15_minutes"
        }

        public init(source: String, services: [String], lastMinute: Int, last15Minutes: Int) {
            self.source = source
            self.services = services
            self.lastMinute = lastMinute
            self.last15Minutes = last15Minutes
        }
    }

    /// How many addresses a source the change touches covers.
    public struct Coverage: Codable, Sendable, Hashable {
        public var source: String
        /// e.g. "256 addresses", "every IPv4 address".
        public var addresses: String
        public var everything: Bool
        public var largeShare: Bool
        enum CodingKeys: String, CodingKey {
            case source, addresses, everything
            case largeShare = "large_share"
        }

        public init(source: String, addresses: String, everything: Bool, largeShare: Bool) {
            self.source = source
            self.addresses = addresses
            self.everything = everything
            self.largeShare = largeShare
        }
    }

    public var list: ListKind
    /// `add`, `update` or `remove`.
    public var action: String
    public var entryID: String?
    /// The entry's source after the change (before it, for a removal).
    public var source: String
    public var services: [String]
    /// The change in words, e.g. "turn tcp_proxy on for 127.0.0.20 (lb1)".
    public var change: String
    /// Some addresses would have to send a PROXY header that need not now. Always needs
    /// acknowledging, with or without traffic seen.
    public var enablesTCPProxy: Bool
    /// Some addresses flagged as load balancers would stop being flagged (or be blacklisted):
    /// every client behind them is cut off. Always needs acknowledging, too.
    public var disablesTCPProxy: Bool
    /// Who will need a PROXY header, when `enables_tcp_proxy`.
    public var scope: String?
    public var affected: [Affected]
    public var evidence: [Evidence]
    public var coverage: [Coverage]
    /// Connections open now whose decision would change (not dropped).
    public var openConnections: Int
    /// A write of this change must carry `"acknowledge_impact": true`, and is applied as a
    /// pending change that reverts itself unless confirmed: when it refuses anyone seen,
    /// turns a flag on or off, or cuts off a large share of the Internet.
    public var requiresAcknowledgement: Bool
    /// The whole report, one sentence a line ("• " starts an item), as the console and the CLI show it.
    public var warning: [String]
    public var revertAfterSeconds: Double
    enum CodingKeys: String, CodingKey {
        case list, action, source, services, change, scope, affected, evidence, coverage, warning
        case entryID = "entry_id"
        case enablesTCPProxy = "enables_tcp_proxy"
        case disablesTCPProxy = "disables_tcp_proxy"
        case openConnections = "open_connections"
        case requiresAcknowledgement = "requires_acknowledgement"
        case revertAfterSeconds = "revert_after_seconds"
    }

    /// Connections seen in the last 15 minutes that the change would refuse.
    public var refusedConnections: Int { affected.reduce(0) { $0 + $1.last15Minutes } }

    public init(list: ListKind, action: String, entryID: String? = nil, source: String, services: [String], change: String, enablesTCPProxy: Bool, disablesTCPProxy: Bool, scope: String? = nil, affected: [Affected], evidence: [Evidence], coverage: [Coverage], openConnections: Int, requiresAcknowledgement: Bool, warning: [String], revertAfterSeconds: Double) {
        self.list = list
        self.action = action
        self.entryID = entryID
        self.source = source
        self.services = services
        self.change = change
        self.enablesTCPProxy = enablesTCPProxy
        self.disablesTCPProxy = disablesTCPProxy
        self.scope = scope
        self.affected = affected
        self.evidence = evidence
        self.coverage = coverage
        self.openConnections = openConnections
        self.requiresAcknowledgement = requiresAcknowledgement
        self.warning = warning
        self.revertAfterSeconds = revertAfterSeconds
    }
}

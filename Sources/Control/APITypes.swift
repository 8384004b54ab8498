import AccessPolicy
import Foundation
import Gate

// The control API's JSON bodies. Keys are snake_case, like the access file.
// Entries, events and connection snapshots use the Codable forms of their own types.

/// `{"error": {"code": "...", "message": "..."}}` — `code` is stable, `message` says what to fix.
public struct APIErrorBody: Codable, Sendable, Hashable {
    public struct Detail: Codable, Sendable, Hashable {
        public var code: String
        public var message: String
        /// `revision-mismatch`: the current revision, to re-read and retry with.
        public var revision: String?
        /// `acknowledge-impact-required`: what enabling `tcp_proxy` would do.
        public var impact: ImpactReport?
    }
    public var error: Detail
    public init(code: String, message: String) { error = Detail(code: code, message: message, revision: nil, impact: nil) }
}

/// `GET /v1/status`.
public struct StatusResponse: Codable, Sendable, Hashable {
    public struct Listener: Codable, Sendable, Hashable {
        public var service: String
        public var listen: [String]
        public var upstream: String
        public var upstreamProxy: String
        public var `protocol`: String
        /// Whether a TCP connect to the upstream succeeded at the last check.
        public var upstreamReachable: Bool?
        enum CodingKeys: String, CodingKey {
            case service, listen, upstream, `protocol`
            case upstreamProxy = "upstream_proxy"
            case upstreamReachable = "upstream_reachable"
        }
    }
    public struct Counts: Codable, Sendable, Hashable {
        public var open: Int
        public var awaitingHeader: Int
        public var relayingDirect: Int
        public var relayingProxied: Int
        public var acceptedTotal: UInt64
        public var rejectedTotal: UInt64
        enum CodingKeys: String, CodingKey {
            case open
            case awaitingHeader = "awaiting_header"
            case relayingDirect = "relaying_direct"
            case relayingProxied = "relaying_proxied"
            case acceptedTotal = "accepted_total"
            case rejectedTotal = "rejected_total"
        }
    }
    public var version: String
    public var started: Date
    public var uptimeSeconds: Double
    public var accessFile: String
    public var revision: String
    public var listeners: [Listener]
    public var connections: Counts
    public var pendingChanges: [PendingChangeInfo]
    /// When each flagged entry (by id) last brought a PROXY header since the daemon started.
    public var lastProxyHeader: [String: Date]?
    enum CodingKeys: String, CodingKey {
        case version, started, listeners, connections, revision
        case uptimeSeconds = "uptime_seconds"
        case accessFile = "access_file"
        case pendingChanges = "pending_changes"
        case lastProxyHeader = "last_proxy_header"
    }
}

/// `GET /v1/whitelist` and `/v1/blacklist`: the list and the revision writes must name in `If-Match`.
public struct AccessListResponse: Codable, Sendable, Hashable {
    public var list: ListKind
    public var revision: String
    public var entries: [AccessEntry]
}

/// Body of `POST /v1/{list}` (all fields used), `PUT` (all fields) and `PATCH` (fields given).
public struct EntryWriteRequest: Codable, Sendable, Hashable {
    public var source: String?
    public var description: String?
    public var services: [String]?
    public var tcpProxy: Bool?
    public var enabled: Bool?
    /// Required (true) on a write that turns `tcp_proxy` on; without it the answer is 409 with the impact report.
    public var acknowledgeImpact: Bool?
    enum CodingKeys: String, CodingKey {
        case source, description, services, enabled
        case tcpProxy = "tcp_proxy"
        case acknowledgeImpact = "acknowledge_impact"
    }
    public init(source: String? = nil, description: String? = nil, services: [String]? = nil, tcpProxy: Bool? = nil,
                enabled: Bool? = nil, acknowledgeImpact: Bool? = nil) {
        self.source = source
        self.description = description
        self.services = services
        self.tcpProxy = tcpProxy
        self.enabled = enabled
        self.acknowledgeImpact = acknowledgeImpact
    }
}

/// Body of `POST /v1/impact`: a proposed change, previewed without writing anything.
/// `action` is `add` (the fields of the new entry), `update` (`entry` plus the fields that
/// change) or `remove` (`entry`).
public struct ImpactRequest: Codable, Sendable, Hashable {
    public var list: ListKind
    public var action: String
    /// The id or source of the entry an update or removal names.
    public var entry: String?
    public var source: String?
    public var description: String?
    public var services: [String]?
    public var tcpProxy: Bool?
    public var enabled: Bool?
    enum CodingKeys: String, CodingKey {
        case list, action, entry, source, description, services, enabled
        case tcpProxy = "tcp_proxy"
    }
    public init(list: ListKind, action: String, entry: String? = nil, source: String? = nil, description: String? = nil,
                services: [String]? = nil, tcpProxy: Bool? = nil, enabled: Bool? = nil) {
        self.list = list
        self.action = action
        self.entry = entry
        self.source = source
        self.description = description
        self.services = services
        self.tcpProxy = tcpProxy
        self.enabled = enabled
    }
}

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
}

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
}

/// A `tcp_proxy` change waiting for confirmation; it reverts itself at `deadline`.
public struct PendingChangeInfo: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable { case pending, confirmed, reverted }
    public var id: String
    public var list: ListKind
    public var entryID: String
    public var source: String
    public var summary: String
    public var by: String?
    public var created: Date
    public var deadline: Date
    public var state: State
    /// How it ended, in words (who confirmed it; what the revert did or why it had nothing to do).
    public var outcome: String?
    enum CodingKeys: String, CodingKey {
        case id, list, source, summary, by, created, deadline, state, outcome
        case entryID = "entry_id"
    }
}

/// `GET /v1/connections`: open connections grouped by proxy state.
public struct ConnectionsResponse: Codable, Sendable, Hashable {
    public var proxied: [ConnectionSnapshot]
    public var direct: [ConnectionSnapshot]
    public var awaitingHeader: [ConnectionSnapshot]
    enum CodingKeys: String, CodingKey {
        case proxied, direct
        case awaitingHeader = "awaiting_header"
    }
}

/// `GET /v1/events`.
public struct EventsResponse: Codable, Sendable, Hashable {
    public var events: [GateEvent]
}

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
    enum CodingKeys: String, CodingKey {
        case id, time, user, uid, action, list, before, after, detail
        case entryID = "entry_id"
    }

    public init(id: String? = nil, time: Date, user: String, uid: UInt32?, action: String, list: ListKind?, entryID: String?,
                before: AccessEntry?, after: AccessEntry?, detail: String?) {
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
    }
}

/// `GET /v1/changes`: pending changes first, then recently confirmed or reverted ones.
public struct ChangesResponse: Codable, Sendable, Hashable {
    public var changes: [PendingChangeInfo]
}

/// `GET /v1/audit`: the newest records, oldest first.
public struct AuditResponse: Codable, Sendable, Hashable {
    public var records: [AuditRecord]
}

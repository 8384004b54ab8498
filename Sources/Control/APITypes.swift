import AccessPolicy
import Foundation
import Gate

// The control API's JSON bodies (DESIGN §6a). Keys are snake_case, like the access file.
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
    enum CodingKeys: String, CodingKey {
        case version, started, listeners, connections, revision
        case uptimeSeconds = "uptime_seconds"
        case accessFile = "access_file"
        case pendingChanges = "pending_changes"
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

/// `GET /v1/whitelist/{id}/impact` (and the body of the 409 that asks for acknowledgement):
/// what enabling `tcp_proxy` on the entry would do, from live traffic (DESIGN §4).
public struct ImpactReport: Codable, Sendable, Hashable {
    public struct Window: Codable, Sendable, Hashable {
        /// Direct connections from the source: after the change they would be REFUSED.
        public var directConnections: Int
        /// PROXY headers the source sent while unflagged: evidence it really is a proxy.
        public var untrustedProxyHeaders: Int
        public var rejected: Int
        enum CodingKeys: String, CodingKey {
            case rejected
            case directConnections = "direct_connections"
            case untrustedProxyHeaders = "untrusted_proxy_headers"
        }
    }
    public var entryID: String
    public var source: String
    public var services: [String]
    /// "only connections from … on … will need a PROXY header; everyone else is unaffected"
    public var scope: String
    public var lastMinute: Window
    public var last15Minutes: Window
    /// Connections from the source open now on those services (they are not dropped).
    public var openConnections: Int
    /// The whole warning, one sentence a line, as the console and the CLI show it.
    public var warning: [String]
    public var revertAfterSeconds: Double
    enum CodingKeys: String, CodingKey {
        case source, services, scope, warning
        case entryID = "entry_id"
        case lastMinute = "last_minute"
        case last15Minutes = "last_15_minutes"
        case openConnections = "open_connections"
        case revertAfterSeconds = "revert_after_seconds"
    }
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
        case time, user, uid, action, list, before, after, detail
        case entryID = "entry_id"
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

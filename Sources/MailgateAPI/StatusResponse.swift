import Foundation

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

        public init(service: String, listen: [String], upstream: String, upstreamProxy: String, protocol: String, upstreamReachable: Bool? = nil) {
            self.service = service
            self.listen = listen
            self.upstream = upstream
            self.upstreamProxy = upstreamProxy
            self.protocol = `protocol`
            self.upstreamReachable = upstreamReachable
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

        public init(open: Int, awaitingHeader: Int, relayingDirect: Int, relayingProxied: Int, acceptedTotal: UInt64, rejectedTotal: UInt64) {
            self.open = open
            self.awaitingHeader = awaitingHeader
            self.relayingDirect = relayingDirect
            self.relayingProxied = relayingProxied
            self.acceptedTotal = acceptedTotal
            self.rejectedTotal = rejectedTotal
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

    public init(version: String, started: Date, uptimeSeconds: Double, accessFile: String, revision: String, listeners: [Listener], connections: Counts, pendingChanges: [PendingChangeInfo], lastProxyHeader: [String: Date]? = nil) {
        self.version = version
        self.started = started
        self.uptimeSeconds = uptimeSeconds
        self.accessFile = accessFile
        self.revision = revision
        self.listeners = listeners
        self.connections = connections
        self.pendingChanges = pendingChanges
        self.lastProxyHeader = lastProxyHeader
    }
}

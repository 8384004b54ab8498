/// Where a connection is in its life.
public enum ConnectionState: String, Sendable, Hashable, Codable {
    case awaitingHeader = "awaiting-header"
    case relayingDirect = "relaying-direct"
    case relayingProxied = "relaying-proxied"
}

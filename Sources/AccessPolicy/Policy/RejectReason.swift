/// Why a connection was refused. The raw values are stable identifiers used in events,
/// metrics, logs and the API.
public enum RejectReason: String, Sendable, Hashable, CaseIterable, Codable {
    case proxyHeaderMissing = "proxy-header-missing"
    case proxyHeaderInvalid = "proxy-header-invalid"
    case proxyHeaderFromUntrustedSource = "proxy-header-from-untrusted-source"
    case blacklisted = "blacklisted"
    case upstreamUnavailable = "upstream-unavailable"
    case connectionLimit = "connection-limit"
    case shuttingDown = "shutting-down"
}

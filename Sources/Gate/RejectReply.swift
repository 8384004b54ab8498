import AccessPolicy
import NetAddress

/// The line a refused client reads, per protocol: truthful, never "server busy",
/// and speaking only of the client's own address. Implicit-TLS ports get nothing.
public enum RejectReply {
    /// The bytes to send before closing, or nil when nothing plaintext may be said.
    public static func bytes(for reason: RejectReason, protocol: ReplyProtocol, client: IPAddress,
                             headerTimeout: Duration, limit: ConnectionLimit? = nil) -> [UInt8]? {
        let text = explanation(of: reason, client: client, headerTimeout: headerTimeout, limit: limit)
        switch `protocol` {
        case .imap: return Array("* BYE [UNAVAILABLE] \(text)\r\n".utf8)
        case .pop3: return Array("-ERR [SYS/TEMP] \(text)\r\n".utf8)
        case .smtp: return Array("421 4.7.0 \(text)\r\n".utf8)
        case .tls, .none: return nil
        }
    }

    /// A plain-words explanation of `reason`, about `client` only. For `connectionLimit`,
    /// `limit` says which one: the client is blamed only when its own share is used up.
    public static func explanation(of reason: RejectReason, client: IPAddress, headerTimeout: Duration,
                                   limit: ConnectionLimit? = nil) -> String {
        switch reason {
        case .proxyHeaderMissing:
            "\(client) is configured as a PROXY-protocol load balancer, but sent no PROXY header within \(headerTimeout.configText)"
        case .proxyHeaderInvalid:
            "invalid PROXY protocol header from \(client)"
        case .proxyHeaderFromUntrustedSource:
            "PROXY protocol header refused: \(client) is not configured as a trusted proxy"
        case .blacklisted:
            "access from \(client) is denied by policy"
        case .upstreamUnavailable:
            "mail service temporarily unavailable, please try again later"
        case .connectionLimit:
            switch limit {
            case .global?, .descriptors?: "the server is at its connection limit, try again later"
            case .perSource(let maximum)?: "too many connections from \(client) (at most \(maximum) at once), try again later"
            case nil: "connection limit reached, try again later"
            }
        case .shuttingDown:
            "server shutting down, try again later"
        }
    }
}

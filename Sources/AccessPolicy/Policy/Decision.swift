/// The entry that decided a connection, as reported in decisions, events and `explain`.
public struct MatchedEntry: Hashable, Sendable {
    public var kind: ListKind
    public var entry: AccessEntry

    public init(kind: ListKind, entry: AccessEntry) {
        self.kind = kind
        self.entry = entry
    }
}

/// What the gate does with a new connection, decided from its source address alone,
/// before any byte is read.
public enum Decision: Hashable, Sendable {
    /// Relay at once; `entry` is the whitelist entry that matched, if any.
    case direct(MatchedEntry?)
    /// The source is a flagged load balancer: a PROXY header must come first.
    case requireProxyHeader(timeout: Duration, MatchedEntry)
    case reject(RejectReason, MatchedEntry?)

    public var matchedEntry: MatchedEntry? {
        switch self {
        case .direct(let entry), .reject(_, let entry): entry
        case .requireProxyHeader(_, let entry): entry
        }
    }

    /// The stable name: `direct`, `require-proxy-header` or `reject`.
    public var name: String {
        switch self {
        case .direct: "direct"
        case .requireProxyHeader: "require-proxy-header"
        case .reject: "reject"
        }
    }
}

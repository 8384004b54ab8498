import AccessPolicy
import NetAddress

/// A refusal as the driver reports it: the reason, who is refused, the entry behind it and
/// a detail for the log.
public struct Rejection: Hashable, Sendable {
    public var reason: RejectReason
    /// The socket's peer (a load balancer, for a flagged source).
    public var peer: SocketEndpoint
    /// The real client a PROXY header named, once one has.
    public var realClient: SocketEndpoint?
    /// The entry behind the refusal where the machine learnt it: at accept (the decision's),
    /// or a blacklisted real client's. nil for any other refusal of an admitted connection:
    /// that is the entry it was admitted by, which the driver keeps with the connection.
    public var entry: MatchedEntry?
    public var detail: String?

    public init(reason: RejectReason, peer: SocketEndpoint, realClient: SocketEndpoint? = nil,
                entry: MatchedEntry? = nil, detail: String? = nil) {
        self.reason = reason
        self.peer = peer
        self.realClient = realClient
        self.entry = entry
        self.detail = detail
    }

    /// Whom the reply speaks of: the real client when a header named one, else the peer.
    public var client: IPAddress { (realClient ?? peer).address }
}

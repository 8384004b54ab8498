import AccessPolicy
import Foundation
import NetAddress

/// One thing that happened to a connection at the gate: what the data path reports.
public struct GateEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case accepted, proxied, rejected, closed
    }

    public var time: Date
    public var kind: Kind
    public var connection: ConnectionID?
    public var service: String?
    public var listener: String?
    public var peer: IPAddress?
    public var realClient: IPAddress?
    public var entryID: String?
    public var reason: RejectReason?
    public var bytesFromClient: UInt64?
    public var bytesToClient: UInt64?
    public var duration: Duration?
    /// More about it in words: why a reject (the limit reached, the header's flaw), the state an accept starts in.
    public var detail: String?

    public init(time: Date = Date(), kind: Kind, connection: ConnectionID? = nil, service: String? = nil,
                listener: String? = nil, peer: IPAddress? = nil, realClient: IPAddress? = nil,
                entryID: String? = nil, reason: RejectReason? = nil, bytesFromClient: UInt64? = nil,
                bytesToClient: UInt64? = nil, duration: Duration? = nil, detail: String? = nil) {
        self.time = time
        self.kind = kind
        self.connection = connection
        self.service = service
        self.listener = listener
        self.peer = peer
        self.realClient = realClient
        self.entryID = entryID
        self.reason = reason
        self.bytesFromClient = bytesFromClient
        self.bytesToClient = bytesToClient
        self.duration = duration
        self.detail = detail
    }
}

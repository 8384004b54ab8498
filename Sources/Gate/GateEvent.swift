import AccessPolicy
import Foundation
import NetAddress

/// One thing that happened at the gate, as kept in the journal and streamed.
public struct GateEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case accepted, proxied, rejected, closed
        case configChanged = "config-changed"
        case changeReverted = "change-reverted"
    }

    /// Increasing sequence number, for `since=` queries and stream resumption.
    public var sequence: UInt64 = 0
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
    /// For config events: who and what, in words.
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

/// Identifies one accepted connection for as long as the daemon runs.
public struct ConnectionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public static func < (a: ConnectionID, b: ConnectionID) -> Bool { a.value < b.value }
    public var description: String { "c\(value)" }
}

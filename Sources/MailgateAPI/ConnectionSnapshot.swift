import Foundation
import NetAddress

/// A point-in-time copy of one open connection, for the API and the console.
public struct ConnectionSnapshot: Sendable, Hashable {
    public var id: ConnectionID
    public var service: String
    public var listener: String
    public var peer: SocketEndpoint
    public var realClient: SocketEndpoint?
    public var entryID: String?
    public var entrySource: String?
    public var state: ConnectionState
    public var started: Date
    public var bytesFromClient: UInt64
    public var bytesToClient: UInt64

    /// Public, so API clients and console fixtures can build snapshots.
    public init(id: ConnectionID, service: String, listener: String, peer: SocketEndpoint, realClient: SocketEndpoint?,
                entryID: String?, entrySource: String?, state: ConnectionState, started: Date,
                bytesFromClient: UInt64, bytesToClient: UInt64) {
        self.id = id
        self.service = service
        self.listener = listener
        self.peer = peer
        self.realClient = realClient
        self.entryID = entryID
        self.entrySource = entrySource
        self.state = state
        self.started = started
        self.bytesFromClient = bytesFromClient
        self.bytesToClient = bytesToClient
    }
}

import Foundation
import MailgateAPI

/// One open connection as the console knows it: from the full list (with the byte counts of
/// that moment) or from the event stream (bytes unknown until the next full list).
public struct OpenConnection: Hashable, Sendable {
    public var id: ConnectionID
    public var service: String
    /// The peer as the source named it: with its port from the full list, the address alone from an event.
    public var peer: String
    public var realClient: String?
    public var entryID: String?
    public var entrySource: String?
    public var state: ConnectionState
    public var started: Date
    /// Bytes from and to the client as of the full list it came from; nil when opened since.
    public var bytesFromClient: UInt64?
    public var bytesToClient: UInt64?
    /// The fields the filter looks at, lowercased once.
    var searchText: String

    public init(id: ConnectionID, service: String, peer: String, realClient: String?, entryID: String?, entrySource: String?,
                state: ConnectionState, started: Date, bytesFromClient: UInt64? = nil, bytesToClient: UInt64? = nil) {
        self.id = id
        self.service = service
        self.peer = peer
        self.realClient = realClient
        self.entryID = entryID
        self.entrySource = entrySource
        self.state = state
        self.started = started
        self.bytesFromClient = bytesFromClient
        self.bytesToClient = bytesToClient
        searchText = ""
        indexForSearch()
    }

    public init(_ snapshot: ConnectionSnapshot) {
        self.init(id: snapshot.id, service: snapshot.service, peer: "\(snapshot.peer)", realClient: snapshot.realClient.map { "\($0)" },
                  entryID: snapshot.entryID, entrySource: snapshot.entrySource, state: snapshot.state, started: snapshot.started,
                  bytesFromClient: snapshot.bytesFromClient, bytesToClient: snapshot.bytesToClient)
    }

    mutating func indexForSearch() {
        searchText = [service, peer, realClient ?? "", entrySource ?? "", entryID ?? ""].joined(separator: "\n").lowercased()
    }

    /// Whether a (lowercased) filter keeps this connection.
    func matches(_ lowercasedFilter: String) -> Bool {
        lowercasedFilter.isEmpty || searchText.contains(lowercasedFilter)
    }
}

import Foundation
import NetAddress

/// JSON form of connection snapshots for the control API, the CLI and the console.
extension ConnectionSnapshot: Codable {
    enum CodingKeys: String, CodingKey {
        case id, service, listener, peer, state, started
        case realClient = "real_client"
        case entryID = "entry_id"
        case entrySource = "entry_source"
        case bytesFromClient = "bytes_from_client"
        case bytesToClient = "bytes_to_client"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func endpoint(_ key: CodingKeys) throws -> SocketEndpoint? {
            guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let value = SocketEndpoint(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\"\(text)\" is not address:port")
            }
            return value
        }
        guard let peer = try endpoint(.peer) else {
            throw DecodingError.keyNotFound(CodingKeys.peer, .init(codingPath: c.codingPath, debugDescription: "peer is required"))
        }
        self.init(id: ConnectionID(try c.decode(UInt64.self, forKey: .id)), service: try c.decode(String.self, forKey: .service),
                  listener: try c.decode(String.self, forKey: .listener), peer: peer, realClient: try endpoint(.realClient),
                  entryID: try c.decodeIfPresent(String.self, forKey: .entryID),
                  entrySource: try c.decodeIfPresent(String.self, forKey: .entrySource),
                  state: try c.decode(ConnectionState.self, forKey: .state), started: try c.decode(Date.self, forKey: .started),
                  bytesFromClient: try c.decode(UInt64.self, forKey: .bytesFromClient),
                  bytesToClient: try c.decode(UInt64.self, forKey: .bytesToClient))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id.value, forKey: .id)
        try c.encode(service, forKey: .service)
        try c.encode(listener, forKey: .listener)
        try c.encode(peer.description, forKey: .peer)
        try c.encodeIfPresent(realClient?.description, forKey: .realClient)
        try c.encodeIfPresent(entryID, forKey: .entryID)
        try c.encodeIfPresent(entrySource, forKey: .entrySource)
        try c.encode(state, forKey: .state)
        try c.encode(started, forKey: .started)
        try c.encode(bytesFromClient, forKey: .bytesFromClient)
        try c.encode(bytesToClient, forKey: .bytesToClient)
    }
}

import AccessPolicy
import Foundation
import NetAddress

/// JSON form of events for the control API, the CLI and the console: one flat object whose
/// `kind` tells a gate event from a control-plane one.
extension Event: Codable {
    enum CodingKeys: String, CodingKey {
        case sequence, time, kind, connection, service, listener, peer, reason, detail
        case realClient = "real_client"
        case entryID = "entry_id"
        case bytesFromClient = "bytes_from_client"
        case bytesToClient = "bytes_to_client"
        case durationSeconds = "duration_seconds"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let sequence = try c.decode(UInt64.self, forKey: .sequence)
        let time = try c.decode(Date.self, forKey: .time)
        let kind = try c.decode(String.self, forKey: .kind)
        if let kind = ControlEvent.Kind(rawValue: kind) {
            self.init(sequence: sequence, ControlEvent(time: time, kind: kind, entryID: try c.decodeIfPresent(String.self, forKey: .entryID),
                                                       detail: try c.decodeIfPresent(String.self, forKey: .detail)))
            return
        }
        guard let kind = GateEvent.Kind(rawValue: kind) else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c,
                                                   debugDescription: "\"\(kind)\" is not one of: \(Event.kindNames.joined(separator: ", "))")
        }
        var event = GateEvent(time: time, kind: kind)
        event.connection = try c.decodeIfPresent(UInt64.self, forKey: .connection).map(ConnectionID.init)
        event.service = try c.decodeIfPresent(String.self, forKey: .service)
        event.listener = try c.decodeIfPresent(String.self, forKey: .listener)
        event.peer = try c.decodeIfPresent(String.self, forKey: .peer).flatMap { IPAddress($0) }
        event.realClient = try c.decodeIfPresent(String.self, forKey: .realClient).flatMap { IPAddress($0) }
        event.entryID = try c.decodeIfPresent(String.self, forKey: .entryID)
        event.reason = try c.decodeIfPresent(RejectReason.self, forKey: .reason)
        event.bytesFromClient = try c.decodeIfPresent(UInt64.self, forKey: .bytesFromClient)
        event.bytesToClient = try c.decodeIfPresent(UInt64.self, forKey: .bytesToClient)
        event.duration = try c.decodeIfPresent(Double.self, forKey: .durationSeconds).map { Duration.seconds($0) }
        event.detail = try c.decodeIfPresent(String.self, forKey: .detail)
        self.init(sequence: sequence, event)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(time, forKey: .time)
        try c.encode(kindName, forKey: .kind)
        switch content {
        case .gate(let event):
            try c.encodeIfPresent(event.connection?.value, forKey: .connection)
            try c.encodeIfPresent(event.service, forKey: .service)
            try c.encodeIfPresent(event.listener, forKey: .listener)
            try c.encodeIfPresent(event.peer?.description, forKey: .peer)
            try c.encodeIfPresent(event.realClient?.description, forKey: .realClient)
            try c.encodeIfPresent(event.entryID, forKey: .entryID)
            try c.encodeIfPresent(event.reason, forKey: .reason)
            try c.encodeIfPresent(event.bytesFromClient, forKey: .bytesFromClient)
            try c.encodeIfPresent(event.bytesToClient, forKey: .bytesToClient)
            try c.encodeIfPresent(event.duration.map(\.inSeconds), forKey: .durationSeconds)
            try c.encodeIfPresent(event.detail, forKey: .detail)
        case .control(let event):
            try c.encodeIfPresent(event.entryID, forKey: .entryID)
            try c.encodeIfPresent(event.detail, forKey: .detail)
        }
    }
}

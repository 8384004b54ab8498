import Foundation

extension GateEvent {
    /// The event as one line of an event feed (`mailgate events`, the demo without its console):
    /// time, kind, then whichever of reason, service, peer, real client, bytes and detail it has.
    public var feedLine: String {
        let clock = time.formatted(.iso8601.time(includingFractionalSeconds: false))
        var parts = [clock, kind.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)]
        if let reason { parts.append(reason.rawValue) }
        if let service { parts.append(service) }
        if let peer { parts.append("from \(peer)") }
        if let realClient { parts.append("for \(realClient)") }
        if let bytesFromClient, let bytesToClient { parts.append("\(bytesFromClient)↑ \(bytesToClient)↓ bytes") }
        if let detail, kind != .accepted { parts.append(detail) }
        return parts.joined(separator: "  ")
    }
}

import Foundation

extension Event {
    /// The event as one line of an event feed (`mailgate events`, the demo without its console):
    /// time, kind, then whichever of reason, service, peer, real client, bytes and detail it has.
    public var feedLine: String {
        let clock = time.formatted(.iso8601.time(includingFractionalSeconds: false))
        var parts = [clock, kindName.padding(toLength: 14, withPad: " ", startingAt: 0)]
        switch content {
        case .gate(let event):
            if let reason = event.reason { parts.append(reason.rawValue) }
            if let service = event.service { parts.append(service) }
            if let peer = event.peer { parts.append("from \(peer)") }
            if let realClient = event.realClient { parts.append("for \(realClient)") }
            if let sent = event.bytesFromClient, let received = event.bytesToClient { parts.append("\(sent)↑ \(received)↓ bytes") }
            if let detail = event.detail, event.kind != .accepted { parts.append(detail) }
        case .control(let event):
            if let detail = event.detail { parts.append(detail) }
        }
        return parts.joined(separator: "  ")
    }
}

import Foundation

/// `GET /v1/connections`: open connections grouped by proxy state.
public struct ConnectionsResponse: Codable, Sendable, Hashable {
    public var proxied: [ConnectionSnapshot]
    public var direct: [ConnectionSnapshot]
    public var awaitingHeader: [ConnectionSnapshot]
    enum CodingKeys: String, CodingKey {
        case proxied, direct
        case awaitingHeader = "awaiting_header"
    }

    public init(proxied: [ConnectionSnapshot], direct: [ConnectionSnapshot], awaitingHeader: [ConnectionSnapshot]) {
        self.proxied = proxied
        self.direct = direct
        self.awaitingHeader = awaitingHeader
    }

    /// Open connections grouped by state, in the order given: the one place they are grouped.
    public init(grouping connections: [ConnectionSnapshot]) {
        var groups: [ConnectionState: [ConnectionSnapshot]] = [:]
        for connection in connections { groups[connection.state, default: []].append(connection) }
        self.init(proxied: groups[.relayingProxied] ?? [], direct: groups[.relayingDirect] ?? [],
                  awaitingHeader: groups[.awaitingHeader] ?? [])
    }

    /// The group of one state.
    public subscript(state: ConnectionState) -> [ConnectionSnapshot] {
        switch state {
        case .relayingProxied: proxied
        case .relayingDirect: direct
        case .awaitingHeader: awaitingHeader
        }
    }
}

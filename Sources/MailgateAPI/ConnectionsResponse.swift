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
}

import Foundation

/// Body of `POST /v1/{list}` (all fields used), `PUT` (all fields) and `PATCH` (fields given).
public struct EntryWriteRequest: Codable, Sendable, Hashable {
    public var source: String?
    public var description: String?
    public var services: [String]?
    public var tcpProxy: Bool?
    public var enabled: Bool?
    /// Required (true) on a write that turns `tcp_proxy` on; without it the answer is 409 with the impact report.
    public var acknowledgeImpact: Bool?
    enum CodingKeys: String, CodingKey {
        case source, description, services, enabled
        case tcpProxy = "tcp_proxy"
        case acknowledgeImpact = "acknowledge_impact"
    }
    public init(source: String? = nil, description: String? = nil, services: [String]? = nil, tcpProxy: Bool? = nil,
                enabled: Bool? = nil, acknowledgeImpact: Bool? = nil) {
        self.source = source
        self.description = description
        self.services = services
        self.tcpProxy = tcpProxy
        self.enabled = enabled
        self.acknowledgeImpact = acknowledgeImpact
    }
}

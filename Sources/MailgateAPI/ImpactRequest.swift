import AccessPolicy
import Foundation

/// Body of `POST /v1/impact`: a proposed change, previewed without writing anything.
/// `action` is `add` (the fields of the new entry), `update` (`entry` plus the fields that
/// change) or `remove` (`entry`).
public struct ImpactRequest: Codable, Sendable, Hashable {
    public var list: ListKind
    public var action: String
    /// The id or source of the entry an update or removal names.
    public var entry: String?
    public var source: String?
    public var description: String?
    public var services: [String]?
    public var tcpProxy: Bool?
    public var enabled: Bool?
    enum CodingKeys: String, CodingKey {
        case list, action, entry, source, description, services, enabled
        case tcpProxy = "tcp_proxy"
    }
    public init(list: ListKind, action: String, entry: String? = nil, source: String? = nil, description: String? = nil,
                services: [String]? = nil, tcpProxy: Bool? = nil, enabled: Bool? = nil) {
        self.list = list
        self.action = action
        self.entry = entry
        self.source = source
        self.description = description
        self.services = services
        self.tcpProxy = tcpProxy
        self.enabled = enabled
    }
}

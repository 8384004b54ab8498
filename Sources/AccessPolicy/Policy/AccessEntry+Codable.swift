import Foundation

/// JSON form of an entry, with the access file's key names (`tcp_proxy`, …), used by
/// `--json` output and the control API.
extension AccessEntry: Codable {
    enum CodingKeys: String, CodingKey {
        case id, source, description, services, enabled, created, updated, by
        case tcpProxy = "tcp_proxy"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .source)
        do {
            source = try AddressSource(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .source, in: container, debugDescription: error.description)
        }
        id = try container.decode(String.self, forKey: .id)
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        services = ServiceSet(names: try container.decodeIfPresent([String].self, forKey: .services) ?? ["all"])
        tcpProxy = try container.decodeIfPresent(Bool.self, forKey: .tcpProxy) ?? false
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        created = try container.decodeIfPresent(Date.self, forKey: .created)
        updated = try container.decodeIfPresent(Date.self, forKey: .updated)
        by = try container.decodeIfPresent(String.self, forKey: .by)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(source.description, forKey: .source)
        try container.encode(description, forKey: .description)
        try container.encode(services.names, forKey: .services)
        try container.encode(tcpProxy, forKey: .tcpProxy)
        try container.encode(enabled, forKey: .enabled)
        try container.encodeIfPresent(created, forKey: .created)
        try container.encodeIfPresent(updated, forKey: .updated)
        try container.encodeIfPresent(by, forKey: .by)
    }
}

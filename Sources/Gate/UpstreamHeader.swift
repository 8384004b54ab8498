import AccessPolicy
import NetAddress
import ProxyProtocol

/// The PROXY header the gate sends to its upstream, carrying the real client and the
/// address it originally connected to. Pure.
enum UpstreamHeader {
    static func bytes(mode: UpstreamProxyMode, client: SocketEndpoint, destination: SocketEndpoint) -> [UInt8]? {
        let version: ProxyHeader.Version
        switch mode {
        case .none: return nil
        case .v1: version = .v1
        case .v2: version = .v2
        }
        // Both ends must be of one family: lift the IPv4 one into v4-mapped IPv6 if needed.
        var (source, target) = (client, destination)
        if source.address.family != target.address.family {
            source.address = source.address.asIPv6
            target.address = target.address.asIPv6
        }
        let header = ProxyHeader(version: version, command: .proxy, transport: .stream,
                                 addresses: .inet(source: source, destination: target), tlvs: [])
        return header.encoded()
    }
}

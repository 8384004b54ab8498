import NIOCore
import NetAddress

extension SocketEndpoint {
    /// The endpoint of a NIO IP socket address, normalised (v4-mapped IPv6 becomes IPv4).
    init?(_ address: SocketAddress?) {
        guard let address, let port = address.port else { return nil }
        switch address {
        case .v4(let v4):
            let value = UInt32(bigEndian: v4.address.sin_addr.s_addr)
            self.init(address: .v4(value), port: UInt16(port))
        case .v6(let v6):
            var raw = v6.address.sin6_addr
            let bytes = withUnsafeBytes(of: &raw) { Array($0) }
            guard let ip = IPAddress(bytes: bytes) else { return nil }
            self.init(address: ip.normalized, port: UInt16(port))
        case .unixDomainSocket:
            return nil
        }
    }

    /// The NIO socket address to bind or connect to.
    public func socketAddress() throws -> SocketAddress {
        try SocketAddress(ipAddress: address.description, port: Int(port))
    }
}

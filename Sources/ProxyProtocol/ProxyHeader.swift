import NetAddress

/// What a PROXY protocol header (v1 or v2) says about the connection behind the proxy.
public struct ProxyHeader: Hashable, Sendable {
    public enum Version: Hashable, Sendable { case v1, v2 }

    /// v1 headers are always `.proxy`; `UNKNOWN` shows up as `.unspecified` addresses instead.
    public enum Command: Hashable, Sendable { case local, proxy }

    public enum TransportProtocol: Hashable, Sendable { case stream, datagram, unspecified }

    public enum Addresses: Hashable, Sendable {
        /// v1 `UNKNOWN`, v2 `AF_UNSPEC` (and every v2 `LOCAL` header).
        case unspecified
        /// Both IPv4 (`TCP4`, `AF_INET`) or both IPv6 (`TCP6`, `AF_INET6`).
        case inet(source: SocketEndpoint, destination: SocketEndpoint)
        /// v2 `AF_UNIX`: 108 bytes each, exactly as on the wire (NUL padding included).
        case unix(source: [UInt8], destination: [UInt8])
    }

    public var version: Version
    public var command: Command
    public var transport: TransportProtocol
    public var addresses: Addresses
    /// Type-length-value extensions in wire order; always empty for v1.
    public var tlvs: [ProxyTLV]

    public init(
        version: Version = .v2,
        command: Command = .proxy,
        transport: TransportProtocol = .stream,
        addresses: Addresses = .unspecified,
        tlvs: [ProxyTLV] = []
    ) {
        self.version = version
        self.command = command
        self.transport = transport
        self.addresses = addresses
        self.tlvs = tlvs
    }

    /// The real client: the source endpoint of a `.proxy` header with `.inet` addresses.
    /// `nil` (LOCAL, UNKNOWN, UNSPEC, UNIX) means "use the proxy's own address".
    /// Not normalised: a v4-mapped IPv6 source stays IPv6 (use `address.normalized`).
    public var realClient: SocketEndpoint? {
        guard command == .proxy, case .inet(let source, _) = addresses else { return nil }
        return source
    }

    /// The address the client connected to on the proxy, under the same rules as `realClient`.
    public var originalDestination: SocketEndpoint? {
        guard command == .proxy, case .inet(_, let destination) = addresses else { return nil }
        return destination
    }
}

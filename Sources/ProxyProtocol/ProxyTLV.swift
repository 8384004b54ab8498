/// A v2 type-length-value extension.
public enum ProxyTLV: Hashable, Sendable {
    /// PP2_TYPE_ALPN (0x01): the negotiated application protocol, e.g. "imap".
    case alpn([UInt8])
    /// PP2_TYPE_AUTHORITY (0x02): the host name the client asked for (SNI), UTF-8.
    case authority(String)
    /// PP2_TYPE_CRC32C (0x03): checksum of the whole header; verified when decoding,
    /// recomputed when encoding.
    case crc32c(UInt32)
    /// PP2_TYPE_NOOP (0x04): padding; only its length is kept (encoded as zero bytes).
    case noop(length: Int)
    /// PP2_TYPE_UNIQUE_ID (0x05): an opaque connection id of at most 128 bytes.
    case uniqueID([UInt8])
    /// PP2_TYPE_SSL (0x20): how the client reached the proxy over TLS.
    case ssl(ProxySSLInfo)
    /// PP2_TYPE_NETNS (0x30): the network namespace name.
    case netns(String)
    /// Any other type, value kept raw. A known type code here decodes as its own case.
    case unknown(type: UInt8, value: [UInt8])

    /// The type byte on the wire.
    public var typeCode: UInt8 {
        switch self {
        case .alpn: ProxyTLV.alpnType
        case .authority: ProxyTLV.authorityType
        case .crc32c: ProxyTLV.crc32cType
        case .noop: ProxyTLV.noopType
        case .uniqueID: ProxyTLV.uniqueIDType
        case .ssl: ProxyTLV.sslType
        case .netns: ProxyTLV.netnsType
        case .unknown(let type, _): type
        }
    }

    static let alpnType: UInt8 = 0x01
    static let authorityType: UInt8 = 0x02
    static let crc32cType: UInt8 = 0x03
    static let noopType: UInt8 = 0x04
    static let uniqueIDType: UInt8 = 0x05
    static let sslType: UInt8 = 0x20
    static let netnsType: UInt8 = 0x30

    /// The spec caps PP2_TYPE_UNIQUE_ID at this many bytes.
    public static let maximumUniqueIDLength = 128
}

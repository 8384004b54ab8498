/// The v2 binary layout: the 16-byte fixed part and the codes in its 13th and 14th bytes.
enum V2Wire {
    static let fixedLength = 16
    static let versionNibble: UInt8 = 0x2
    static let unixAddressLength = 108

    enum Command: UInt8 {
        case local = 0x0, proxy = 0x1
    }

    /// High nibble of byte 13.
    enum Family: UInt8 {
        case unspecified = 0x0, inet = 0x1, inet6 = 0x2, unix = 0x3

        /// Bytes of address block the length must at least cover.
        var addressBlockLength: Int {
            switch self {
            case .unspecified: 0
            case .inet: 12
            case .inet6: 36
            case .unix: 216
            }
        }

        var name: String {
            switch self {
            case .unspecified: "UNSPEC"
            case .inet: "INET"
            case .inet6: "INET6"
            case .unix: "UNIX"
            }
        }
    }

    /// Low nibble of byte 13.
    enum Transport: UInt8 {
        case unspecified = 0x0, stream = 0x1, datagram = 0x2

        init(_ transport: ProxyHeader.TransportProtocol) {
            switch transport {
            case .unspecified: self = .unspecified
            case .stream: self = .stream
            case .datagram: self = .datagram
            }
        }

        var transport: ProxyHeader.TransportProtocol {
            switch self {
            case .unspecified: .unspecified
            case .stream: .stream
            case .datagram: .datagram
            }
        }
    }

    static let sslSubTLVHeaderLength = 5  // client byte + verify UInt32
    static let tlvHeaderLength = 3        // type + 16-bit length
}

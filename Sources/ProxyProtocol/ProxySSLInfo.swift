/// The value of a PP2_TYPE_SSL TLV: client flags, the verify result and sub-TLVs.
public struct ProxySSLInfo: Hashable, Sendable {
    /// The `client` byte. Unknown bits are kept so that re-encoding is faithful.
    public struct ClientFlags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// PP2_CLIENT_SSL: the client connected over SSL/TLS.
        public static let ssl = ClientFlags(rawValue: 0x01)
        /// PP2_CLIENT_CERT_CONN: the client sent a certificate on this connection.
        public static let certificateOnConnection = ClientFlags(rawValue: 0x02)
        /// PP2_CLIENT_CERT_SESS: the client sent a certificate at least once in this TLS session.
        public static let certificateInSession = ClientFlags(rawValue: 0x04)
    }

    /// A sub-TLV of the SSL TLV. The spec defines them as US-ASCII (CN: UTF-8) strings;
    /// all are decoded as UTF-8 and refused when they are not.
    public enum SubTLV: Hashable, Sendable {
        /// PP2_SUBTYPE_SSL_VERSION (0x21), e.g. "TLSv1.3".
        case version(String)
        /// PP2_SUBTYPE_SSL_CN (0x22): the client certificate's Common Name.
        case commonName(String)
        /// PP2_SUBTYPE_SSL_CIPHER (0x23), e.g. "ECDHE-RSA-AES128-GCM-SHA256".
        case cipher(String)
        /// PP2_SUBTYPE_SSL_SIG_ALG (0x24): the certificate's signature algorithm, e.g. "SHA256".
        case signatureAlgorithm(String)
        /// PP2_SUBTYPE_SSL_KEY_ALG (0x25): the certificate's key algorithm, e.g. "RSA2048".
        case keyAlgorithm(String)
        /// Any other sub-type, value kept raw. A known type code here decodes as its own case.
        case unknown(type: UInt8, value: [UInt8])

        /// The type byte on the wire.
        public var typeCode: UInt8 {
            switch self {
            case .version: 0x21
            case .commonName: 0x22
            case .cipher: 0x23
            case .signatureAlgorithm: 0x24
            case .keyAlgorithm: 0x25
            case .unknown(let type, _): type
            }
        }
    }

    public var client: ClientFlags
    /// 0 when the client presented a certificate and it was verified; non-zero otherwise.
    public var verify: UInt32
    /// In wire order.
    public var subTLVs: [SubTLV]

    public init(client: ClientFlags = [], verify: UInt32 = 0, subTLVs: [SubTLV] = []) {
        self.client = client
        self.verify = verify
        self.subTLVs = subTLVs
    }

    /// True when the client sent a certificate and the proxy verified it.
    public var hasVerifiedCertificate: Bool {
        !client.isDisjoint(with: [.certificateOnConnection, .certificateInSession]) && verify == 0
    }

    public var version: String? {
        subTLVs.lazy.compactMap { if case .version(let value) = $0 { value } else { nil } }.first
    }

    public var commonName: String? {
        subTLVs.lazy.compactMap { if case .commonName(let value) = $0 { value } else { nil } }.first
    }

    public var cipher: String? {
        subTLVs.lazy.compactMap { if case .cipher(let value) = $0 { value } else { nil } }.first
    }

    public var signatureAlgorithm: String? {
        subTLVs.lazy.compactMap { if case .signatureAlgorithm(let value) = $0 { value } else { nil } }.first
    }

    public var keyAlgorithm: String? {
        subTLVs.lazy.compactMap { if case .keyAlgorithm(let value) = $0 { value } else { nil } }.first
    }
}

import NetAddress
import PropertyBased
import ProxyProtocol

/// Random valid headers for the property tests. Hand-rolled rather than zipped: the shapes
/// (one of several TLV kinds, families that must agree) are easier to state as code, and a
/// failing case is reported with its seed either way.
enum Generators {
    typealias RNG = any SeededRandomNumberGenerator

    static let v1Header = Generator<ProxyHeader, Shrink.None<ProxyHeader>>(run: { rng in randomV1Header(&rng) })

    static let v2Header = Generator<ProxyHeader, Shrink.None<ProxyHeader>>(run: { rng in randomV2Header(&rng) })

    /// Encoded bytes of a random valid v1 or v2 header (v2 sometimes checksummed).
    static let encodedHeader = Generator<[UInt8], Shrink.None<[UInt8]>>(run: { rng in randomEncoding(&rng) })

    /// A valid encoding, then one to four byte flips, overwrites, insertions, deletions or truncations.
    static let mutatedHeader = Generator<[UInt8], Shrink.None<[UInt8]>>(run: { rng in
        var bytes = randomEncoding(&rng)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let index = Int.random(in: 0...bytes.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where index < bytes.count: bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            case 1 where index < bytes.count: bytes[index] = UInt8.random(in: 0...255, using: &rng)
            case 2: bytes.insert(contentsOf: randomBytes(&rng, count: 1...3), at: index)
            case 3 where index < bytes.count: bytes.remove(at: index)
            default: bytes = Array(bytes.prefix(index))
            }
        }
        return bytes
    })

    static func randomEncoding(_ rng: inout RNG) -> [UInt8] {
        Bool.random(using: &rng) ? randomV1Header(&rng).encoded() : randomV2Header(&rng).encoded(checksum: Bool.random(using: &rng))
    }

    static func randomV1Header(_ rng: inout RNG) -> ProxyHeader {
        guard Int.random(in: 0..<5, using: &rng) > 0 else {
            return ProxyHeader(version: .v1, command: .proxy, transport: .unspecified, addresses: .unspecified)
        }
        return ProxyHeader(version: .v1, command: .proxy, transport: .stream, addresses: randomInet(&rng))
    }

    /// Headers in the form decoding produces: LOCAL carries nothing, UNIX paths are 108 bytes.
    static func randomV2Header(_ rng: inout RNG) -> ProxyHeader {
        if Int.random(in: 0..<6, using: &rng) == 0 {
            return ProxyHeader(version: .v2, command: .local, transport: .unspecified, addresses: .unspecified)
        }
        let transport: ProxyHeader.TransportProtocol = [.stream, .datagram, .unspecified].randomElement(using: &rng)!
        let addresses: ProxyHeader.Addresses = switch Int.random(in: 0..<6, using: &rng) {
        case 0: .unspecified
        case 1: .unix(source: randomBytes(&rng, count: 108...108), destination: randomBytes(&rng, count: 108...108))
        default: randomInet(&rng)
        }
        let tlvs = (0..<Int.random(in: 0...6, using: &rng)).map { _ in randomTLV(&rng) }
        return ProxyHeader(version: .v2, command: .proxy, transport: transport, addresses: addresses, tlvs: tlvs)
    }

    static func randomInet(_ rng: inout RNG) -> ProxyHeader.Addresses {
        let v6 = Bool.random(using: &rng)
        func endpoint() -> SocketEndpoint {
            SocketEndpoint(address: v6 ? randomIPv6(&rng) : .v4(UInt32.random(in: 0...UInt32.max, using: &rng)),
                           port: randomPort(&rng))
        }
        return .inet(source: endpoint(), destination: endpoint())
    }

    /// Mostly shapes with zero runs, so that "::" and v4-mapped forms show up in v1 text.
    static func randomIPv6(_ rng: inout RNG) -> IPAddress {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return .v6(UInt128.random(in: 0...UInt128.max, using: &rng))
        case 1: return .v6(0xFFFF << 32 | UInt128(UInt32.random(in: 0...UInt32.max, using: &rng)))
        default:
            return .v6((0..<8).reduce(UInt128(0)) { value, _ in
                let group = Bool.random(using: &rng) ? 0 : UInt128(UInt16.random(in: 0...UInt16.max, using: &rng))
                return value << 16 | group
            })
        }
    }

    static func randomPort(_ rng: inout RNG) -> UInt16 {
        Bool.random(using: &rng) ? UInt16.random(in: 0...UInt16.max, using: &rng) : [0, 1, 25, 143, 587, 993, 65535].randomElement(using: &rng)!
    }

    static func randomBytes(_ rng: inout RNG, count: ClosedRange<Int>) -> [UInt8] {
        (0..<Int.random(in: count, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// ASCII with a sprinkling of multi-byte scalars, so UTF-8 handling is exercised.
    static func randomString(_ rng: inout RNG) -> String {
        let pool: [Unicode.Scalar] = Array("abcXYZ019.-_:/ ".unicodeScalars) + ["é", "ß", "日", "本", "😀", "\u{301}", "\u{0}"]
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...16, using: &rng) { text.append(pool.randomElement(using: &rng)!) }
        return String(text)
    }

    static let knownTLVTypes: Set<UInt8> = [0x01, 0x02, 0x03, 0x04, 0x05, 0x20, 0x30]

    /// Any TLV but CRC32C, whose value the encoder rewrites.
    static func randomTLV(_ rng: inout RNG) -> ProxyTLV {
        switch Int.random(in: 0..<7, using: &rng) {
        case 0: return .alpn(randomBytes(&rng, count: 0...16))
        case 1: return .authority(randomString(&rng))
        case 2: return .noop(length: Int.random(in: 0...8, using: &rng))
        case 3: return .uniqueID(randomBytes(&rng, count: 0...128))
        case 4: return .ssl(randomSSL(&rng))
        case 5: return .netns(randomString(&rng))
        default:
            var type = UInt8.random(in: 0...255, using: &rng)
            while knownTLVTypes.contains(type) { type = UInt8.random(in: 0...255, using: &rng) }
            return .unknown(type: type, value: randomBytes(&rng, count: 0...24))
        }
    }

    static func randomSSL(_ rng: inout RNG) -> ProxySSLInfo {
        let subTLVs: [ProxySSLInfo.SubTLV] = (0..<Int.random(in: 0...5, using: &rng)).map { _ in
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: .version(randomString(&rng))
            case 1: .commonName(randomString(&rng))
            case 2: .cipher(randomString(&rng))
            case 3: .signatureAlgorithm(randomString(&rng))
            case 4: .keyAlgorithm(randomString(&rng))
            default:
                .unknown(type: [0x00, 0x20, 0x26, 0x27, 0x30, 0xFF].randomElement(using: &rng)!,
                         value: randomBytes(&rng, count: 0...12))
            }
        }
        return ProxySSLInfo(client: .init(rawValue: UInt8.random(in: 0...255, using: &rng)),
                            verify: UInt32.random(in: 0...UInt32.max, using: &rng), subTLVs: subTLVs)
    }
}

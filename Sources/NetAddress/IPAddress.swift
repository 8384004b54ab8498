/// An IPv4 or IPv6 address. Pure value type; parsing is strict (no leading zeros in
/// IPv4 octets, no zone ids), formatting follows RFC 5952 for IPv6.
public enum IPAddress: Hashable, Sendable {
    case v4(UInt32)
    case v6(UInt128)

    public enum Family: Sendable, Equatable {
        case inet, inet6
        /// Number of bits in an address of this family.
        public var bitWidth: Int { self == .inet ? 32 : 128 }
    }

    public var family: Family {
        switch self {
        case .v4: .inet
        case .v6: .inet6
        }
    }

    /// `::ffff:a.b.c.d` becomes `a.b.c.d`; every other address is unchanged.
    public var normalized: IPAddress {
        if case .v6(let value) = self, value >> 32 == 0xFFFF {
            return .v4(UInt32(truncatingIfNeeded: value))
        }
        return self
    }

    /// IPv4 as v4-mapped IPv6 (`::ffff:a.b.c.d`); IPv6 unchanged. The inverse of `normalized`.
    public var asIPv6: IPAddress {
        switch self {
        case .v4(let value): .v6(0xFFFF_0000_0000 | UInt128(value))
        case .v6: self
        }
    }

    /// The address in network byte order: 4 or 16 bytes.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let value):
            return (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
        case .v6(let value):
            return (0..<16).map { UInt8(truncatingIfNeeded: value >> (120 - 8 * $0)) }
        }
    }

    /// Builds an address from 4 (IPv4) or 16 (IPv6) bytes in network order.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        self.init(bytes: ArraySlice(bytes))
    }

    /// The same for the common case, not generic: generic code is not specialised across
    /// modules, and the PROXY decoder calls this per header.
    public init?(bytes: ArraySlice<UInt8>) {
        switch bytes.count {
        case 4:
            self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            self = .v6(bytes.reduce(0) { $0 << 8 | UInt128($1) })
        default:
            return nil
        }
    }

    /// Parses dotted-quad IPv4 or textual IPv6 (with `::` and an embedded IPv4 tail).
    /// Brackets are not accepted here; see `SocketEndpoint` for `[v6]:port`.
    public init?(_ text: some StringProtocol) {
        self.init(Substring(text))
    }

    /// The same, not generic (see `init?(bytes:)`).
    public init?(_ text: Substring) {
        if let v4 = IPAddress.parseV4(text) {
            self = .v4(v4)
        } else if let v6 = IPAddress.parseV6(text) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    /// Four decimal octets 0–255, no leading zeros; read byte by byte (this runs for every
    /// PROXY v1 header, so no splitting into strings).
    static func parseV4(_ text: Substring) -> UInt32? {
        parseV4(utf8: text.utf8)
    }

    static func parseV4<Bytes: Sequence<UInt8>>(utf8 text: Bytes) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        var leadingZero = false
        for byte in text {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if leadingZero { return nil }
                if digits == 0 && byte == UInt8(ascii: "0") { leadingZero = true }
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                if digits > 3 || octet > 255 { return nil }
            case UInt8(ascii: "."):
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                (octet, digits, leadingZero) = (0, 0, false)
                dots += 1
            default:
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | octet
    }

    /// Hex groups with at most one `::` and an optional dotted IPv4 tail; read byte by byte.
    static func parseV6(_ text: Substring) -> UInt128? {
        let colon = UInt8(ascii: ":")
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.count <= 45 else { return nil }
        var groups: [UInt16] = []
        groups.reserveCapacity(8)
        var gapAt: Int?
        var index = 0
        if bytes[0] == colon {
            guard bytes[1] == colon else { return nil }
            gapAt = 0
            index = 2
        }
        while index < bytes.count {
            var end = index
            var value: UInt32 = 0
            while end < bytes.count, let digit = bytes[end].hexValue {
                value = value << 4 | UInt32(digit)
                end += 1
            }
            if end < bytes.count && bytes[end] == UInt8(ascii: ".") {
                // A dotted IPv4 tail ends the address.
                guard let v4 = parseV4(utf8: bytes[index...]) else { return nil }
                groups.append(UInt16(v4 >> 16))
                groups.append(UInt16(v4 & 0xFFFF))
                index = bytes.count
                break
            }
            guard (1...4).contains(end - index) else { return nil }
            groups.append(UInt16(value))
            guard end < bytes.count else { break }
            guard bytes[end] == colon else { return nil }
            if end + 1 < bytes.count && bytes[end + 1] == colon {
                guard gapAt == nil else { return nil }
                gapAt = groups.count
                index = end + 2
            } else {
                index = end + 1
                guard index < bytes.count else { return nil }  // a trailing single colon
            }
        }
        if let gapAt {
            guard groups.count <= 7 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gapAt)
        }
        guard groups.count == 8 else { return nil }
        return groups.reduce(0) { $0 << 16 | UInt128($1) }
    }
}

extension UInt8 {
    /// The value of an ASCII hex digit, or nil.
    var hexValue: UInt8? {
        switch self {
        case 0x30...0x39: self - 0x30
        case 0x41...0x46: self - 0x41 + 10
        case 0x61...0x66: self - 0x61 + 10
        default: nil
        }
    }
}

extension IPAddress: CustomStringConvertible {
    /// Dotted quad for IPv4; RFC 5952 for IPv6 (lower case, longest zero run as `::`,
    /// v4-mapped addresses with a dotted tail).
    public var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
        case .v6(let value):
            if value >> 32 == 0xFFFF {
                return "::ffff:" + IPAddress.v4(UInt32(truncatingIfNeeded: value)).description
            }
            let groups = (0..<8).map { UInt16(truncatingIfNeeded: value >> (112 - 16 * $0)) }
            // Longest run of two or more zero groups, first one on a tie.
            var best: (start: Int, length: Int) = (-1, 0)
            var index = 0
            while index < 8 {
                if groups[index] == 0 {
                    var end = index
                    while end < 8 && groups[end] == 0 { end += 1 }
                    if end - index > best.length && end - index >= 2 { best = (index, end - index) }
                    index = end
                } else {
                    index += 1
                }
            }
            let hex = groups.map { String($0, radix: 16) }
            if best.start < 0 { return hex.joined(separator: ":") }
            let left = hex[0..<best.start].joined(separator: ":")
            let right = hex[(best.start + best.length)...].joined(separator: ":")
            return left + "::" + right
        }
    }
}

extension IPAddress: Comparable {
    /// IPv4 sorts before IPv6; within a family, numerically.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let a), .v4(let b)): a < b
        case (.v6(let a), .v6(let b)): a < b
        case (.v4, .v6): true
        case (.v6, .v4): false
        }
    }
}

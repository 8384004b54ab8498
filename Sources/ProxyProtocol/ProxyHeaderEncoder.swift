import NetAddress

extension ProxyHeader {
    /// The header on the wire: v1 text or v2 binary per `version`.
    ///
    /// v1 has no LOCAL and no UNIX: anything but a PROXY header with `.inet` addresses is
    /// written "PROXY UNKNOWN\r\n"; transport and TLVs are not written.
    /// v2 appends a CRC32C TLV when `checksum` is true; a `.crc32c` TLV already present is
    /// filled with the correct checksum whatever value it holds, so re-encoding a decoded
    /// header stays valid.
    /// Both: an IPv4/IPv6 mix is written as IPv6, the IPv4 side v4-mapped (as HAProxy does).
    /// The decoder refuses v2 headers over `ProxyHeaderDecoder.maximumV2Length`; the encoder
    /// writes up to the format's own limit.
    public func encoded(checksum: Bool = false) -> [UInt8] {
        switch version {
        case .v1: ProxyHeaderEncoder.v1(self)
        case .v2: ProxyHeaderEncoder.v2(self, checksum: checksum)
        }
    }
}

/// Writes canonical headers. Values the wire cannot carry (a TLV over 65535 bytes, a UNIX
/// path over 108) are programming errors and trap.
enum ProxyHeaderEncoder {
    static func v1(_ header: ProxyHeader) -> [UInt8] {
        guard header.command == .proxy, case .inet(let source, let destination) = header.addresses else {
            return Array("PROXY UNKNOWN\r\n".utf8)
        }
        let (from, to) = sameFamily(source.address, destination.address)
        let proto = from.family == .inet ? "TCP4" : "TCP6"
        return Array("PROXY \(proto) \(from) \(to) \(source.port) \(destination.port)\r\n".utf8)
    }

    /// Built in one array, sized up front: the gate encodes one of these per connection.
    static func v2(_ header: ProxyHeader, checksum: Bool) -> [UInt8] {
        let family: V2Wire.Family
        var addresses: (from: IPAddress, to: IPAddress, fromPort: UInt16, toPort: UInt16)?
        switch header.addresses {
        case .unspecified:
            family = .unspecified
        case .inet(let source, let destination):
            let (from, to) = sameFamily(source.address, destination.address)
            family = from.family == .inet ? .inet : .inet6
            addresses = (from, to, source.port, destination.port)
        case .unix:
            family = .unix
        }
        var out: [UInt8] = []
        out.reserveCapacity(V2Wire.fixedLength + family.addressBlockLength
                            + (header.tlvs.isEmpty && !checksum ? 0 : 64))
        out += ProxySignature.v2
        let command: V2Wire.Command = header.command == .local ? .local : .proxy
        out.append(V2Wire.versionNibble << 4 | command.rawValue)
        out.append(family.rawValue << 4 | V2Wire.Transport(header.transport).rawValue)
        out += [0, 0]  // length, once known
        if let addresses {
            appendAddress(addresses.from, to: &out)
            appendAddress(addresses.to, to: &out)
            appendBigEndian(addresses.fromPort, to: &out)
            appendBigEndian(addresses.toPort, to: &out)
        } else if case .unix(let source, let destination) = header.addresses {
            out += unixAddress(source)
            out += unixAddress(destination)
        }

        var checksumOffsets: [Int] = []
        for tlv in header.tlvs {
            if case .crc32c = tlv { checksumOffsets.append(out.count + V2Wire.tlvHeaderLength) }
            append(tlv, to: &out)
        }
        if checksum && checksumOffsets.isEmpty {
            checksumOffsets.append(out.count + V2Wire.tlvHeaderLength)
            append(.crc32c(0), to: &out)
        }
        let length = out.count - V2Wire.fixedLength
        precondition(length <= Int(UInt16.max), "PROXY v2 header of \(length) bytes after the fixed part does not fit its length field")
        out[14] = UInt8(truncatingIfNeeded: length >> 8)
        out[15] = UInt8(truncatingIfNeeded: length)

        guard !checksumOffsets.isEmpty else { return out }
        for offset in checksumOffsets { out.replaceSubrange(offset..<(offset + 4), with: [0, 0, 0, 0]) }
        let sum = bigEndian(CRC32C.checksum(out))
        for offset in checksumOffsets { out.replaceSubrange(offset..<(offset + 4), with: sum) }
        return out
    }

    /// The address in network byte order, 4 or 16 bytes, without an intermediate array.
    private static func appendAddress(_ address: IPAddress, to out: inout [UInt8]) {
        switch address {
        case .v4(let value): appendBigEndian(value, to: &out)
        case .v6(let value): appendBigEndian(value, to: &out)
        }
    }

    private static func appendBigEndian<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        for shift in stride(from: T.bitWidth - 8, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }

    private static func append(_ tlv: ProxyTLV, to out: inout [UInt8]) {
        let value: [UInt8] = switch tlv {
        case .alpn(let bytes), .uniqueID(let bytes), .unknown(_, let bytes): bytes
        case .authority(let text), .netns(let text): Array(text.utf8)
        case .crc32c(let sum): bigEndian(sum)
        case .noop(let length): [UInt8](repeating: 0, count: length)
        case .ssl(let info): sslValue(info)
        }
        appendTLV(type: tlv.typeCode, value: value, to: &out)
    }

    private static func sslValue(_ info: ProxySSLInfo) -> [UInt8] {
        var value = [info.client.rawValue] + bigEndian(info.verify)
        for sub in info.subTLVs {
            let subValue: [UInt8] = switch sub {
            case .version(let text), .commonName(let text), .cipher(let text),
                 .signatureAlgorithm(let text), .keyAlgorithm(let text): Array(text.utf8)
            case .unknown(_, let bytes): bytes
            }
            appendTLV(type: sub.typeCode, value: subValue, to: &value)
        }
        return value
    }

    private static func appendTLV(type: UInt8, value: [UInt8], to out: inout [UInt8]) {
        precondition(value.count <= Int(UInt16.max), "PROXY v2 TLV \(hex(type)) of \(value.count) bytes does not fit its length field")
        out.append(type)
        out += bigEndian(UInt16(value.count))
        out += value
    }

    /// NUL-padded to the fixed 108 bytes.
    private static func unixAddress(_ path: [UInt8]) -> [UInt8] {
        precondition(path.count <= V2Wire.unixAddressLength, "PROXY v2 UNIX address of \(path.count) bytes exceeds 108")
        return path + [UInt8](repeating: 0, count: V2Wire.unixAddressLength - path.count)
    }

    /// Both addresses in one family: a mixed pair becomes IPv6 with the IPv4 side v4-mapped.
    private static func sameFamily(_ a: IPAddress, _ b: IPAddress) -> (IPAddress, IPAddress) {
        guard a.family != b.family else { return (a, b) }
        return (v4Mapped(a), v4Mapped(b))
    }

    private static func v4Mapped(_ address: IPAddress) -> IPAddress {
        guard case .v4(let value) = address else { return address }
        return .v6(0xFFFF << 32 | UInt128(value))
    }

    private static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}

import NetAddress

/// PROXY protocol v2: signature, version/command, family/transport, length, address block, TLVs.
extension ProxyHeaderDecoder {
    /// nil while `bytes` is still the start of a valid header.
    static func decodeV2(_ bytes: [UInt8]) throws(ProxyHeaderError) -> (header: ProxyHeader, consumed: Int)? {
        let signature = ProxySignature.v2
        for index in 0..<min(bytes.count, signature.count) where bytes[index] != signature[index] {
            throw ProxyHeaderError("v2: byte \(hex(bytes[index])) at offset \(index) does not match the signature")
        }
        guard bytes.count > 12 else { return nil }
        let versionNibble = bytes[12] >> 4
        guard versionNibble == V2Wire.versionNibble else {
            throw ProxyHeaderError("v2: version \(versionNibble) at offset 12 (expected 2)")
        }
        guard let command = V2Wire.Command(rawValue: bytes[12] & 0x0F) else {
            throw ProxyHeaderError("v2: unknown command \(bytes[12] & 0x0F) at offset 12 (expected 0 LOCAL or 1 PROXY)")
        }
        guard bytes.count > 13 else { return nil }
        // LOCAL: the spec has receivers ignore the family, so only PROXY's is checked.
        var family = V2Wire.Family.unspecified
        var transport = V2Wire.Transport.unspecified
        if command == .proxy {
            guard let knownFamily = V2Wire.Family(rawValue: bytes[13] >> 4) else {
                throw ProxyHeaderError("v2: unknown address family \(bytes[13] >> 4) at offset 13")
            }
            guard let knownTransport = V2Wire.Transport(rawValue: bytes[13] & 0x0F) else {
                throw ProxyHeaderError("v2: unknown transport protocol \(bytes[13] & 0x0F) at offset 13")
            }
            family = knownFamily
            transport = knownTransport
        }
        guard bytes.count >= V2Wire.fixedLength else { return nil }
        let length = Int(bytes[14]) << 8 | Int(bytes[15])
        let total = V2Wire.fixedLength + length
        guard total <= maximumV2Length else {
            throw ProxyHeaderError("v2: length \(length) at offset 14 exceeds the \(maximumV2Length - V2Wire.fixedLength)-byte limit")
        }
        guard command == .proxy else {
            // LOCAL: the block is skipped, whatever it holds.
            guard bytes.count >= total else { return nil }
            return (ProxyHeader(version: .v2, command: .local, transport: .unspecified, addresses: .unspecified), total)
        }
        guard length >= family.addressBlockLength else {
            throw ProxyHeaderError("v2: length \(length) at offset 14 is shorter than the "
                                   + "\(family.addressBlockLength)-byte \(family.name) address block")
        }
        let tlvStart = V2Wire.fixedLength + family.addressBlockLength
        // TLVs are checked as they arrive, so a bad one is refused before the rest comes.
        let parsed = try ProxyTLVDecoder.decodeTLVs(bytes, from: tlvStart, to: total)
        guard let parsed, bytes.count >= total else { return nil }
        try verifyChecksum(bytes[..<total], at: parsed.checksumOffsets)
        let header = ProxyHeader(version: .v2, command: .proxy, transport: transport.transport,
                                 addresses: addresses(bytes, family: family), tlvs: parsed.tlvs)
        return (header, total)
    }

    /// The address block right after the fixed part; the length has been checked to cover it.
    private static func addresses(_ bytes: [UInt8], family: V2Wire.Family) -> ProxyHeader.Addresses {
        func endpoints(addressLength: Int) -> ProxyHeader.Addresses {
            let start = V2Wire.fixedLength
            let portStart = start + 2 * addressLength
            func endpoint(_ index: Int) -> SocketEndpoint {
                let addressStart = start + index * addressLength
                let address = IPAddress(bytes: bytes[addressStart..<(addressStart + addressLength)])!
                let port = UInt16(bytes[portStart + 2 * index]) << 8 | UInt16(bytes[portStart + 2 * index + 1])
                return SocketEndpoint(address: address, port: port)
            }
            return .inet(source: endpoint(0), destination: endpoint(1))
        }
        switch family {
        case .unspecified:
            return .unspecified
        case .inet:
            return endpoints(addressLength: 4)
        case .inet6:
            return endpoints(addressLength: 16)
        case .unix:
            let start = V2Wire.fixedLength
            let middle = start + V2Wire.unixAddressLength
            return .unix(source: Array(bytes[start..<middle]),
                         destination: Array(bytes[middle..<(middle + V2Wire.unixAddressLength)]))
        }
    }

    /// CRC32C over the whole header with the checksum field zeroed must match the field.
    private static func verifyChecksum(_ header: ArraySlice<UInt8>, at offsets: [Int]) throws(ProxyHeaderError) {
        guard let offset = offsets.first else { return }
        guard offsets.count == 1 else {
            throw ProxyHeaderError("v2: second CRC32C TLV at offset \(offsets[1] - V2Wire.tlvHeaderLength)")
        }
        let field = offset..<(offset + 4)
        let stated = header[field].reduce(0) { $0 << 8 | UInt32($1) }
        var zeroed = Array(header)
        zeroed.replaceSubrange(field, with: repeatElement(0, count: 4))
        let computed = CRC32C.checksum(zeroed)
        guard stated == computed else {
            throw ProxyHeaderError("v2: CRC32C mismatch: the TLV at offset \(offset - V2Wire.tlvHeaderLength) "
                                   + "says \(hex(stated)) but the header sums to \(hex(computed))")
        }
    }
}

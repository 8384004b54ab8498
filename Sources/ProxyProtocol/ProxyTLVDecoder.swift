/// Decodes the TLV area of a v2 header, and the sub-TLVs of an SSL TLV.
enum ProxyTLVDecoder {
    struct Decoded {
        var tlvs: [ProxyTLV]
        /// Offsets of CRC32C values, for verification once the whole header is in.
        var checksumOffsets: [Int]
    }

    /// TLVs in `start..<end` of the header; nil while some have not arrived yet. Offsets in
    /// errors count from the header start.
    static func decodeTLVs(_ bytes: [UInt8], from start: Int, to end: Int) throws(ProxyHeaderError) -> Decoded? {
        var decoded = Decoded(tlvs: [], checksumOffsets: [])
        var offset = start
        while offset < end {
            guard let value = try nextValue(bytes[...], at: offset, end: end, container: "the header end", label: "TLV")
            else { return nil }
            let type = bytes[offset]
            if type == ProxyTLV.crc32cType { decoded.checksumOffsets.append(value.startIndex) }
            decoded.tlvs.append(try decodeTLV(type: type, value: value, at: offset))
            offset = value.endIndex
        }
        return decoded
    }

    /// The value of the TLV at `offset`, or nil if it has not fully arrived. `bytes` is what
    /// arrived, indexed from the header start (slices share their base's indices).
    private static func nextValue(_ bytes: ArraySlice<UInt8>, at offset: Int, end: Int, container: String, label: String)
        throws(ProxyHeaderError) -> ArraySlice<UInt8>?
    {
        guard end - offset >= V2Wire.tlvHeaderLength else {
            throw ProxyHeaderError("v2: \(end - offset) stray byte(s) at offset \(offset), too short for a \(label) before \(container)")
        }
        guard bytes.endIndex >= offset + V2Wire.tlvHeaderLength else { return nil }
        let length = Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
        let valueStart = offset + V2Wire.tlvHeaderLength
        guard valueStart + length <= end else {
            throw ProxyHeaderError("v2: \(label) \(hex(bytes[offset])) at offset \(offset) runs past \(container) "
                                   + "(length \(length), \(end - valueStart) bytes left)")
        }
        guard bytes.endIndex >= valueStart + length else { return nil }
        return bytes[valueStart..<(valueStart + length)]
    }

    private static func decodeTLV(type: UInt8, value: ArraySlice<UInt8>, at offset: Int) throws(ProxyHeaderError) -> ProxyTLV {
        func failure(_ problem: String) -> ProxyHeaderError {
            ProxyHeaderError("v2: TLV \(hex(type)) at offset \(offset) \(problem)")
        }
        switch type {
        case ProxyTLV.alpnType:
            return .alpn(Array(value))
        case ProxyTLV.authorityType:
            guard let text = String(validating: value, as: UTF8.self) else { throw failure("(AUTHORITY) is not valid UTF-8") }
            return .authority(text)
        case ProxyTLV.crc32cType:
            guard value.count == 4 else { throw failure("(CRC32C) has length \(value.count), expected 4") }
            return .crc32c(value.reduce(0) { $0 << 8 | UInt32($1) })
        case ProxyTLV.noopType:
            return .noop(length: value.count)
        case ProxyTLV.uniqueIDType:
            guard value.count <= ProxyTLV.maximumUniqueIDLength else {
                throw failure("(UNIQUE_ID) has length \(value.count), over the \(ProxyTLV.maximumUniqueIDLength)-byte limit")
            }
            return .uniqueID(Array(value))
        case ProxyTLV.sslType:
            return .ssl(try decodeSSL(value, at: offset))
        case ProxyTLV.netnsType:
            guard let text = String(validating: value, as: UTF8.self) else { throw failure("(NETNS) is not valid UTF-8") }
            return .netns(text)
        default:
            return .unknown(type: type, value: Array(value))
        }
    }

    /// client byte, verify (big-endian UInt32), then sub-TLVs that must fit inside the SSL TLV.
    private static func decodeSSL(_ value: ArraySlice<UInt8>, at offset: Int) throws(ProxyHeaderError) -> ProxySSLInfo {
        guard value.count >= V2Wire.sslSubTLVHeaderLength else {
            throw ProxyHeaderError("v2: TLV 0x20 (SSL) at offset \(offset) has length \(value.count), "
                                   + "shorter than its \(V2Wire.sslSubTLVHeaderLength)-byte client and verify fields")
        }
        let start = value.startIndex
        let verify = value[(start + 1)..<(start + 5)].reduce(0) { $0 << 8 | UInt32($1) }
        var info = ProxySSLInfo(client: .init(rawValue: value[start]), verify: verify)
        // `value` keeps the header's indices, so sub-TLV offsets in errors stay absolute.
        var subOffset = start + V2Wire.sslSubTLVHeaderLength
        while subOffset < value.endIndex {
            guard let subValue = try nextValue(value, at: subOffset, end: value.endIndex,
                                               container: "the SSL TLV end", label: "SSL sub-TLV")
            else { throw ProxyHeaderError("v2: SSL TLV at offset \(offset) is cut short") }  // it has fully arrived
            info.subTLVs.append(try decodeSSLSubTLV(type: value[subOffset], value: subValue, at: subOffset))
            subOffset = subValue.endIndex
        }
        return info
    }

    private static func decodeSSLSubTLV(type: UInt8, value: ArraySlice<UInt8>, at offset: Int)
        throws(ProxyHeaderError) -> ProxySSLInfo.SubTLV
    {
        let makeString: ((String) -> ProxySSLInfo.SubTLV)? = switch type {
        case 0x21: ProxySSLInfo.SubTLV.version
        case 0x22: ProxySSLInfo.SubTLV.commonName
        case 0x23: ProxySSLInfo.SubTLV.cipher
        case 0x24: ProxySSLInfo.SubTLV.signatureAlgorithm
        case 0x25: ProxySSLInfo.SubTLV.keyAlgorithm
        default: nil
        }
        guard let makeString else { return .unknown(type: type, value: Array(value)) }
        guard let text = String(validating: value, as: UTF8.self) else {
            throw ProxyHeaderError("v2: SSL sub-TLV \(hex(type)) at offset \(offset) is not valid UTF-8")
        }
        return makeString(text)
    }
}

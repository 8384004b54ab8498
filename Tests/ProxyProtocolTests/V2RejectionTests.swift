import ProxyProtocol
import Testing

@Suite struct V2RejectionTests {
    static let crcTLV = tlv(0x03, [0, 0, 0, 0])

    static let completeHeaders: [RejectCase] = [
        RejectCase("version nibble 1", v2Header(0x11, 0x11, body: inetBlock), reason: "v2: version 1 at offset 12 (expected 2)"),
        RejectCase("version nibble 3", v2Header(0x31, 0x11, body: inetBlock), reason: "v2: version 3 at offset 12"),
        RejectCase("command 2", v2Header(0x22, 0x11, body: inetBlock), reason: "v2: unknown command 2 at offset 12"),
        RejectCase("command 15", v2Header(0x2F, 0x11, body: inetBlock), reason: "v2: unknown command 15"),
        RejectCase("family 4", v2Header(0x21, 0x41, body: inetBlock), reason: "v2: unknown address family 4 at offset 13"),
        RejectCase("transport 3", v2Header(0x21, 0x13, body: inetBlock), reason: "v2: unknown transport protocol 3 at offset 13"),
        RejectCase("INET length below 12", v2Header(0x21, 0x11, body: Array(inetBlock.prefix(11))),
                   reason: "v2: length 11 at offset 14 is shorter than the 12-byte INET address block"),
        RejectCase("INET6 length below 36", v2Header(0x21, 0x21, body: inetBlock + inetBlock),
                   reason: "shorter than the 36-byte INET6 address block"),
        RejectCase("UNIX length below 216", v2Header(0x21, 0x31, body: [UInt8](repeating: 0, count: 215)),
                   reason: "shorter than the 216-byte UNIX address block"),
        RejectCase("length over the limit", v2Header(0x21, 0x11, body: [], length: 4081),
                   reason: "v2: length 4081 at offset 14 exceeds the 4080-byte limit"),
        RejectCase("TLV running past the header end", v2Header(body: inetBlock + [0x02, 0x00, 0x0A, 0x61, 0x62]),
                   reason: "v2: TLV 0x02 at offset 28 runs past the header end (length 10, 2 bytes left)"),
        RejectCase("stray bytes after the last TLV", v2Header(body: inetBlock + tlv(0x04, []) + [0x01, 0x00]),
                   reason: "v2: 2 stray byte(s) at offset 31"),
        RejectCase("CRC32C of the wrong size", v2Header(body: inetBlock + tlv(0x03, [1, 2, 3])),
                   reason: "v2: TLV 0x03 at offset 28 (CRC32C) has length 3, expected 4"),
        RejectCase("two CRC32C TLVs", v2Header(body: inetBlock + crcTLV + crcTLV),
                   reason: "v2: second CRC32C TLV at offset 35"),
        RejectCase("UNIQUE_ID over 128 bytes", v2Header(body: inetBlock + tlv(0x05, [UInt8](repeating: 0x41, count: 129))),
                   reason: "v2: TLV 0x05 at offset 28 (UNIQUE_ID) has length 129, over the 128-byte limit"),
        RejectCase("AUTHORITY not UTF-8", v2Header(body: inetBlock + tlv(0x02, [0x6D, 0xFF])),
                   reason: "v2: TLV 0x02 at offset 28 (AUTHORITY) is not valid UTF-8"),
        RejectCase("NETNS not UTF-8", v2Header(body: inetBlock + tlv(0x30, [0xC3])),
                   reason: "(NETNS) is not valid UTF-8"),
        RejectCase("SSL TLV shorter than client and verify", v2Header(body: inetBlock + tlv(0x20, [1, 0, 0, 0])),
                   reason: "v2: TLV 0x20 (SSL) at offset 28 has length 4"),
        RejectCase("SSL sub-TLV running past the SSL TLV", v2Header(body: inetBlock + tlv(0x20, [1, 0, 0, 0, 0, 0x22, 0x00, 0x09, 0x61])),
                   reason: "v2: SSL sub-TLV 0x22 at offset 36 runs past the SSL TLV end"),
        RejectCase("SSL common name not UTF-8", v2Header(body: inetBlock + tlv(0x20, [1, 0, 0, 0, 0] + tlv(0x22, [0xFE]))),
                   reason: "v2: SSL sub-TLV 0x22 at offset 36 is not valid UTF-8"),
    ]

    @Test(arguments: completeHeaders)
    func malformedHeaderIsRefusedWithItsReason(_ reject: RejectCase) throws {
        let reason = try #require(invalidReason(ProxyHeaderDecoder.decode(reject.bytes)))
        #expect(reason.contains(reject.reason), "reason was: \(reason)")
    }

    @Test func checksumMismatchIsRefused() throws {
        var bytes = V2DecodingTests.haproxyHeader
        bytes[60] ^= 0x20  // a letter of the authority changes case
        let reason = try #require(invalidReason(ProxyHeaderDecoder.decode(bytes)))
        #expect(reason.hasPrefix("v2: CRC32C mismatch: the TLV at offset 28 says 0xd259a174 but the header sums to 0x"))
    }

    static let hopelessPrefixes: [RejectCase] = [
        RejectCase("signature differs at byte 3", [0x0D, 0x0A, 0x0D, 0x0B],
                   reason: "v2: byte 0x0b at offset 3 does not match the signature"),
        RejectCase("version nibble 1 before the rest", Array(v2Header(0x11, 0x11, body: []).prefix(13)),
                   reason: "v2: version 1 at offset 12"),
        RejectCase("family 5 before the length", Array(v2Header(0x21, 0x51, body: []).prefix(14)),
                   reason: "v2: unknown address family 5"),
        RejectCase("length over the limit before any body", v2Header(0x21, 0x11, body: [], length: 0xFFFF),
                   reason: "exceeds the 4080-byte limit"),
        RejectCase("length short of the address block before any body", v2Header(0x21, 0x21, body: [], length: 20),
                   reason: "shorter than the 36-byte INET6 address block"),
        RejectCase("TLV announcing more than the length allows", v2Header(body: inetBlock + [0x05, 0x01, 0x00], length: 40),
                   reason: "v2: TLV 0x05 at offset 28 runs past the header end"),
        RejectCase("bad TLV before the rest has arrived", v2Header(body: inetBlock + tlv(0x03, [1]), length: 100),
                   reason: "(CRC32C) has length 1"),
    ]

    @Test(arguments: hopelessPrefixes)
    func hopelessPrefixIsRefusedWithoutWaiting(_ reject: RejectCase) throws {
        let reason = try #require(invalidReason(ProxyHeaderDecoder.decode(reject.bytes)))
        #expect(reason.contains(reject.reason), "reason was: \(reason)")
    }
}

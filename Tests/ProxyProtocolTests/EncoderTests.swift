import NetAddress
import ProxyProtocol
import Testing

@Suite struct EncoderTests {
    @Test func v1TCP4IsWrittenAsCanonicalText() {
        let header = ProxyHeader(version: .v1, addresses: .inet(source: endpoint("192.168.0.1:56324"),
                                                               destination: endpoint("192.168.0.11:443")))
        #expect(header.encoded() == ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"))
    }

    @Test func v1TCP6UsesRFC5952Text() {
        let header = ProxyHeader(version: .v1, addresses: .inet(source: endpoint("[2001:0DB8:0:0:0:0:0:1]:1"),
                                                               destination: endpoint("[::ffff:192.0.2.1]:65535")))
        #expect(header.encoded() == ascii("PROXY TCP6 2001:db8::1 ::ffff:192.0.2.1 1 65535\r\n"))
    }

    @Test func v1WithoutInetAddressesIsUnknown() {
        #expect(ProxyHeader(version: .v1).encoded() == ascii("PROXY UNKNOWN\r\n"))
        #expect(ProxyHeader(version: .v1, command: .local, addresses: inetAddresses).encoded() == ascii("PROXY UNKNOWN\r\n"))
        #expect(ProxyHeader(version: .v1, addresses: .unix(source: [], destination: [])).encoded() == ascii("PROXY UNKNOWN\r\n"))
    }

    @Test func mixedFamiliesAreWrittenAsV4MappedIPv6() throws {
        let addresses = ProxyHeader.Addresses.inet(source: endpoint("192.0.2.1:1000"), destination: endpoint("[2001:db8::1]:25"))
        #expect(ProxyHeader(version: .v1, addresses: addresses).encoded()
                == ascii("PROXY TCP6 ::ffff:192.0.2.1 2001:db8::1 1000 25\r\n"))
        let v2 = try #require(decodedHeader(ProxyHeaderDecoder.decode(ProxyHeader(addresses: addresses).encoded())))
        #expect(v2.realClient == endpoint("[::ffff:192.0.2.1]:1000"))
    }

    @Test func v2InetIsWrittenByteForByte() {
        let header = ProxyHeader(version: .v2, command: .proxy, transport: .stream, addresses: inetAddresses)
        #expect(header.encoded() == hexBytes("0d0a0d0a000d0a515549540a" + "2111000c" + "c0000201" + "c6336402" + "3039" + "0019"))
    }

    @Test func v2LocalIsWrittenWithCommandZero() {
        let header = ProxyHeader(version: .v2, command: .local, transport: .unspecified, addresses: .unspecified)
        #expect(header.encoded() == hexBytes("0d0a0d0a000d0a515549540a" + "20000000"))
    }

    @Test func checksumAppendsAVerifiedCRC32CTLV() throws {
        let header = ProxyHeader(addresses: inetAddresses, tlvs: [.authority("mx.example.net")])
        let bytes = header.encoded(checksum: true)
        let decoded = try #require(decodedHeader(ProxyHeaderDecoder.decode(bytes)))
        #expect(decoded.tlvs.count == 2)
        #expect(decoded.tlvs.first == .authority("mx.example.net"))
        guard case .crc32c = decoded.tlvs.last else { Issue.record("no CRC32C TLV: \(decoded.tlvs)"); return }
    }

    @Test func staleCRC32CValueIsReplacedWithTheRightOne() throws {
        let header = ProxyHeader(addresses: inetAddresses, tlvs: [.crc32c(0xDEAD_BEEF), .alpn(ascii("smtp"))])
        let bytes = header.encoded(checksum: true)
        let decoded = try #require(decodedHeader(ProxyHeaderDecoder.decode(bytes)))
        #expect(decoded.tlvs.count == 2)
        #expect(decoded.tlvs.first != .crc32c(0xDEAD_BEEF))
        #expect(decoded.tlvs.last == .alpn(ascii("smtp")))
    }

    @Test func shortUnixPathsArePaddedTo108Bytes() throws {
        let header = ProxyHeader(addresses: .unix(source: ascii("/a"), destination: ascii("/b")))
        let decoded = try #require(decodedHeader(ProxyHeaderDecoder.decode(header.encoded())))
        #expect(decoded.addresses == .unix(source: ascii("/a") + [UInt8](repeating: 0, count: 106),
                                           destination: ascii("/b") + [UInt8](repeating: 0, count: 106)))
    }

    @Test func noopIsWrittenAsZeroBytesOfItsLength() {
        let bytes = ProxyHeader(tlvs: [.noop(length: 2)]).encoded()
        #expect(Array(bytes.suffix(5)) == [0x04, 0x00, 0x02, 0x00, 0x00])
    }
}

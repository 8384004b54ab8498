import NetAddress
import ProxyProtocol
import Testing

@Suite struct V2DecodingTests {
    /// What HAProxy sends with `send-proxy-v2-ssl-cn` plus crc32c, authority and unique-id
    /// (TLV order as in its make_proxy_line_v2). Built and checksummed outside this code base.
    static let haproxyHeader = hexBytes(
        "0d0a0d0a000d0a515549540a2111008dcb007107c000020ac82203e1030004d259a174010004696d617002"
        + "00106d61696c2e6578616d706c652e636f6d050010376633613963306535623164346532612000430700"
        + "000000210007544c5376312e33220005616c69636525000752534132303438240006534841323536230016"
        + "544c535f4145535f3235365f47434d5f534841333834300004626c7565")

    static let haproxyExpected = ProxyHeader(
        version: .v2, command: .proxy, transport: .stream,
        addresses: .inet(source: endpoint("203.0.113.7:51234"), destination: endpoint("192.0.2.10:993")),
        tlvs: [
            .crc32c(0xD259_A174),
            .alpn(ascii("imap")),
            .authority("mail.example.com"),
            .uniqueID(ascii("7f3a9c0e5b1d4e2a")),
            .ssl(ProxySSLInfo(
                client: [.ssl, .certificateOnConnection, .certificateInSession], verify: 0,
                subTLVs: [.version("TLSv1.3"), .commonName("alice"), .keyAlgorithm("RSA2048"),
                          .signatureAlgorithm("SHA256"), .cipher("TLS_AES_256_GCM_SHA384")])),
            .netns("blue"),
        ])

    @Test func haproxyHeaderWithTLVsAndChecksumDecodes() {
        #expect(ProxyHeaderDecoder.decode(Self.haproxyHeader) == .decoded(Self.haproxyExpected, consumed: 157))
    }

    @Test func sslInfoAnswersItsQuestions() throws {
        guard case .ssl(let info) = Self.haproxyExpected.tlvs[4] else { Issue.record("no SSL TLV"); return }
        #expect(info.commonName == "alice")
        #expect(info.version == "TLSv1.3")
        #expect(info.cipher == "TLS_AES_256_GCM_SHA384")
        #expect(info.signatureAlgorithm == "SHA256")
        #expect(info.keyAlgorithm == "RSA2048")
        #expect(info.hasVerifiedCertificate)
        #expect(!ProxySSLInfo(client: [.ssl, .certificateOnConnection], verify: 20).hasVerifiedCertificate)
        #expect(!ProxySSLInfo(client: [.ssl], verify: 0).hasVerifiedCertificate)
    }

    @Test func reencodingTheHAProxyHeaderGivesItsExactBytes() {
        #expect(Self.haproxyExpected.encoded() == Self.haproxyHeader)
    }

    @Test func clientBytesAfterTheHeaderAreNotConsumed() {
        let result = ProxyHeaderDecoder.decode(Self.haproxyHeader + ascii("* OK IMAP4rev1\r\n"))
        #expect(result == .decoded(Self.haproxyExpected, consumed: Self.haproxyHeader.count))
    }

    @Test func sliceWithNonZeroStartIndexDecodes() {
        let buffer = [UInt8](repeating: 0xAA, count: 7) + Self.haproxyHeader + ascii("tail")
        let slice = buffer[7...]
        #expect(ProxyHeaderDecoder.decode(slice) == .decoded(Self.haproxyExpected, consumed: 157))
    }

    @Test func ipv6DatagramHeaderDecodes() throws {
        let source = IPAddress("2001:db8::1")!
        let destination = IPAddress("2001:db8::2")!
        let bytes = v2Header(0x21, 0x22, body: source.bytes + destination.bytes + [0xC0, 0x00, 0x01, 0xBB])
        let header = try #require(decodedHeader(ProxyHeaderDecoder.decode(bytes)))
        #expect(header.transport == .datagram)
        #expect(header.realClient == SocketEndpoint(address: source, port: 49152))
        #expect(header.originalDestination == SocketEndpoint(address: destination, port: 443))
    }

    @Test func unixHeaderKeepsRawPathsAndHasNoRealClient() throws {
        let source = ascii("/run/haproxy.sock") + [UInt8](repeating: 0, count: 91)
        let destination = ascii("/run/mail.sock") + [UInt8](repeating: 0, count: 94)
        let bytes = v2Header(0x21, 0x31, body: source + destination)
        let header = try #require(decodedHeader(ProxyHeaderDecoder.decode(bytes)))
        #expect(header.addresses == .unix(source: source, destination: destination))
        #expect(header.realClient == nil)
        #expect(header.originalDestination == nil)
    }

    @Test func localSkipsTheWholeBlockWhateverItHolds() {
        // Family byte 0x99 would be refused for PROXY; LOCAL ignores it, and its TLVs.
        let bytes = v2Header(0x20, 0x99, body: inetBlock + tlv(0x03, [1, 2, 3, 4]))
        let expected = ProxyHeader(version: .v2, command: .local, transport: .unspecified, addresses: .unspecified)
        #expect(ProxyHeaderDecoder.decode(bytes + ascii("EHLO")) == .decoded(expected, consumed: bytes.count))
        #expect(expected.realClient == nil)
    }

    @Test func emptyLocalHealthCheckDecodes() {
        let bytes = v2Header(0x20, 0x00, body: [])
        #expect(ProxyHeaderDecoder.decode(bytes) == .decoded(
            ProxyHeader(version: .v2, command: .local, transport: .unspecified, addresses: .unspecified), consumed: 16))
    }

    @Test func localWithARealInetBlockStillHasNoRealClient() throws {
        let header = try #require(decodedHeader(ProxyHeaderDecoder.decode(v2Header(0x20, 0x11, body: inetBlock))))
        #expect(header.realClient == nil)
        #expect(header.originalDestination == nil)
    }

    @Test func proxyWithUnspecifiedFamilyHasNoRealClient() throws {
        let header = try #require(decodedHeader(ProxyHeaderDecoder.decode(v2Header(0x21, 0x01, body: []))))
        #expect(header.addresses == .unspecified)
        #expect(header.command == .proxy)
        #expect(header.realClient == nil)
    }

    @Test func unknownNoopAndCustomTLVsAreKept() throws {
        let body = inetBlock + tlv(0x04, [0, 0, 0]) + tlv(0xE0, [9, 8]) + tlv(0x20, [0, 0, 0, 0, 1] + tlv(0x26, ascii("x25519")))
        let header = try #require(decodedHeader(ProxyHeaderDecoder.decode(v2Header(body: body))))
        #expect(header.tlvs == [
            .noop(length: 3),
            .unknown(type: 0xE0, value: [9, 8]),
            .ssl(ProxySSLInfo(client: [], verify: 1, subTLVs: [.unknown(type: 0x26, value: ascii("x25519"))])),
        ])
    }

    @Test func addressBlockLongerThanTheFamilyNeedsIsReadAsTLVs() throws {
        // The length covers the block plus TLVs; an INET6 block followed by nothing is exact.
        let bytes = v2Header(0x21, 0x21, body: [UInt8](repeating: 0, count: 36) + tlv(0x02, ascii("mx")))
        let header = try #require(decodedHeader(ProxyHeaderDecoder.decode(bytes)))
        #expect(header.tlvs == [.authority("mx")])
    }

    @Test func everyStrictPrefixOfTheHAProxyHeaderNeedsMoreData() {
        for count in 0..<Self.haproxyHeader.count {
            #expect(ProxyHeaderDecoder.decode(Self.haproxyHeader.prefix(count)) == .needMoreData, "prefix of \(count) bytes")
        }
    }
}

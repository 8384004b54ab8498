import NetAddress
import ProxyProtocol
import Testing

@Suite struct V1DecodingTests {
    @Test func specTCP4ExampleGivesRealClientAndDestination() throws {
        let line = ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n")
        let result = ProxyHeaderDecoder.decode(line)
        let expected = ProxyHeader(version: .v1, command: .proxy, transport: .stream,
                                   addresses: .inet(source: endpoint("192.168.0.1:56324"),
                                                    destination: endpoint("192.168.0.11:443")))
        #expect(result == .decoded(expected, consumed: line.count))
        #expect(decodedHeader(result)?.realClient == endpoint("192.168.0.1:56324"))
        #expect(decodedHeader(result)?.originalDestination == endpoint("192.168.0.11:443"))
    }

    @Test func specTCP6ExampleDecodes() throws {
        let all = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
        let line = ascii("PROXY TCP6 \(all) \(all) 65535 65535\r\n")
        let header = try #require(decodedHeader(ProxyHeaderDecoder.decode(line)))
        #expect(line.count == 104)
        #expect(header.realClient == SocketEndpoint(address: IPAddress(all)!, port: 65535))
        #expect(header.transport == .stream)
    }

    @Test func compressedAndV4MappedIPv6AreAcceptedInTCP6() throws {
        let header = try #require(decodedHeader(ProxyHeaderDecoder.decode(ascii("PROXY TCP6 ::ffff:192.0.2.1 2001:DB8::1 0 143\r\n"))))
        #expect(header.realClient == SocketEndpoint(address: IPAddress("::ffff:192.0.2.1")!, port: 0))
        #expect(header.originalDestination == endpoint("[2001:db8::1]:143"))
    }

    @Test func portZeroIsAccepted() throws {
        let header = try #require(decodedHeader(ProxyHeaderDecoder.decode(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 0 0\r\n"))))
        #expect(header.realClient?.port == 0)
    }

    @Test func unknownAloneMeansUseTheProxyAddress() {
        let line = ascii("PROXY UNKNOWN\r\n")
        let expected = ProxyHeader(version: .v1, command: .proxy, transport: .unspecified, addresses: .unspecified)
        #expect(ProxyHeaderDecoder.decode(line) == .decoded(expected, consumed: 15))
        #expect(expected.realClient == nil)
        #expect(expected.originalDestination == nil)
    }

    @Test func unknownIgnoresTheRestOfTheLineUpTo107Bytes() {
        let all = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
        let line = ascii("PROXY UNKNOWN \(all) \(all) 65535 65535\r\n")
        #expect(line.count == 107)
        let expected = ProxyHeader(version: .v1, command: .proxy, transport: .unspecified, addresses: .unspecified)
        #expect(ProxyHeaderDecoder.decode(line) == .decoded(expected, consumed: 107))
    }

    @Test func clientBytesAfterTheLineAreNotConsumed() {
        let line = ascii("PROXY TCP4 192.0.2.1 198.51.100.2 12345 25\r\n")
        let result = ProxyHeaderDecoder.decode(line + ascii("EHLO client.example\r\n"))
        #expect(result == .decoded(ProxyHeader(version: .v1, addresses: inetAddresses), consumed: line.count))
    }

    @Test func sliceWithNonZeroStartIndexDecodes() {
        let line = ascii("PROXY TCP4 192.0.2.1 198.51.100.2 12345 25\r\n")
        let buffer = ascii("already handled;") + line + ascii("a1 LOGIN")
        let slice = buffer[16...]
        #expect(slice.startIndex == 16)
        #expect(ProxyHeaderDecoder.decode(slice) == .decoded(ProxyHeader(version: .v1, addresses: inetAddresses), consumed: line.count))
    }

    @Test func everyStrictPrefixOfASpecExampleNeedsMoreData() {
        let line = ascii("PROXY TCP6 2001:db8::1 ::ffff:192.0.2.1 56324 443\r\n")
        for count in 0..<line.count {
            #expect(ProxyHeaderDecoder.decode(line.prefix(count)) == .needMoreData, "prefix of \(count) bytes")
        }
    }
}

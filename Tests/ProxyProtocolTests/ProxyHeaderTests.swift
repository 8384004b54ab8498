import NetAddress
import ProxyProtocol
import Testing

@Suite struct ProxyHeaderTests {
    @Test func realClientIsTheSourceOfAProxiedInetConnection() {
        let header = ProxyHeader(addresses: inetAddresses)
        #expect(header.realClient == endpoint("192.0.2.1:12345"))
        #expect(header.originalDestination == endpoint("198.51.100.2:25"))
    }

    @Test func realClientIsNilWhenTheProxyAddressApplies() {
        #expect(ProxyHeader(command: .local, addresses: inetAddresses).realClient == nil)
        #expect(ProxyHeader(command: .local, addresses: inetAddresses).originalDestination == nil)
        #expect(ProxyHeader(addresses: .unspecified).realClient == nil)
        #expect(ProxyHeader(addresses: .unix(source: [], destination: [])).realClient == nil)
    }

    @Test func defaultsDescribeAProxiedStream() {
        let header = ProxyHeader()
        #expect(header.version == .v2)
        #expect(header.command == .proxy)
        #expect(header.transport == .stream)
        #expect(header.addresses == .unspecified)
        #expect(header.tlvs.isEmpty)
    }

    @Test func tlvTypeCodesMatchTheSpec() {
        #expect(ProxyTLV.alpn([]).typeCode == 0x01)
        #expect(ProxyTLV.authority("").typeCode == 0x02)
        #expect(ProxyTLV.crc32c(0).typeCode == 0x03)
        #expect(ProxyTLV.noop(length: 0).typeCode == 0x04)
        #expect(ProxyTLV.uniqueID([]).typeCode == 0x05)
        #expect(ProxyTLV.ssl(ProxySSLInfo()).typeCode == 0x20)
        #expect(ProxyTLV.netns("").typeCode == 0x30)
        #expect(ProxyTLV.unknown(type: 0xEE, value: []).typeCode == 0xEE)
    }

    @Test func errorDescriptionIsItsReason() {
        let error = ProxyHeaderError(reason: "v1: bare LF at offset 9")
        #expect("\(error)" == "v1: bare LF at offset 9")
    }
}

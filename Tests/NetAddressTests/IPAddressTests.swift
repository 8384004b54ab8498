import Testing
import NetAddress

@Suite struct IPAddressTests {
    @Test(arguments: ["0.0.0.0", "192.0.2.1", "255.255.255.255", "::", "::1", "2001:db8::1",
                      "fe80::1:2:3:4", "1:2:3:4:5:6:7:8", "::ffff:192.0.2.1", "2001:db8::"])
    func canonicalTextRoundTrips(text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == text)
        #expect(IPAddress(bytes: address.bytes) == address)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.256", "1..2.3", " 1.2.3.4",
                      "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "::g", "1.2.3.4:5", "fe80::1%eth0",
                      ":::", "1:2:3:4:5:6:7::8:9", "1:", ":1", "::1.2.3", "1::2:3:4:5:6:7:8", "12345::1", "::ffff:01.2.3.4"])
    func malformedTextIsRefused(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func v6IsWrittenInRFC5952Form() throws {
        #expect(IPAddress("2001:0DB8:0:0:1:0:0:1")?.description == "2001:db8::1:0:0:1")
        #expect(IPAddress("2001:db8:0:1:1:1:1:1")?.description == "2001:db8:0:1:1:1:1:1")
        #expect(IPAddress("0:0:0:0:0:0:0:0")?.description == "::")
    }

    @Test func v4MappedNormalisesToV4() throws {
        let mapped = try #require(IPAddress("::ffff:203.0.113.7"))
        #expect(mapped.normalized == IPAddress("203.0.113.7"))
        #expect(IPAddress("2001:db8::1")?.normalized == IPAddress("2001:db8::1"))
    }

    @Test func endpointsParseBothFamilies() throws {
        #expect(SocketEndpoint("127.0.0.1:143")?.port == 143)
        #expect(SocketEndpoint("[::1]:993")?.address == IPAddress("::1"))
        #expect(SocketEndpoint("[::1]:993")?.description == "[::1]:993")
        for bad in ["127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "::1:143", "[::1]143", "127.0.0.1:0143"] {
            #expect(SocketEndpoint(bad) == nil, "\(bad)")
        }
    }
}

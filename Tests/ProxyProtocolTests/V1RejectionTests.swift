import ProxyProtocol
import Testing

@Suite struct V1RejectionTests {
    static let completeLines: [RejectCase] = [
        RejectCase("leading zero in an IPv4 octet", "PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n",
                   reason: "v1: source address \"01.2.3.4\" at offset 11 has a leading zero"),
        RejectCase("leading zero in the source port", "PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n",
                   reason: "v1: source port \"01\" at offset 27 has a leading zero"),
        RejectCase("leading zero in the destination port", "PROXY TCP4 1.2.3.4 5.6.7.8 1 02\r\n",
                   reason: "destination port \"02\" at offset 29 has a leading zero"),
        RejectCase("double space between fields", "PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n",
                   reason: "v1: extra space at offset 19"),
        RejectCase("double space after PROXY", "PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n",
                   reason: "v1: extra space at offset 6"),
        RejectCase("tab as a separator", "PROXY TCP4 1.2.3.4\t5.6.7.8 1 2\r\n",
                   reason: "source address \"1.2.3.4\\t5.6.7.8\" at offset 11"),
        RejectCase("trailing space before CRLF", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n",
                   reason: "v1: trailing space at offset 30"),
        RejectCase("IPv6 address in a TCP4 line", "PROXY TCP4 ::1 5.6.7.8 1 2\r\n",
                   reason: "source address \"::1\" at offset 11 is IPv6 in a TCP4 line"),
        RejectCase("v4-mapped address in a TCP4 line", "PROXY TCP4 1.2.3.4 ::ffff:5.6.7.8 1 2\r\n",
                   reason: "destination address \"::ffff:5.6.7.8\" at offset 19 is IPv6 in a TCP4 line"),
        RejectCase("IPv4 address in a TCP6 line", "PROXY TCP6 ::1 1.2.3.4 1 2\r\n",
                   reason: "destination address \"1.2.3.4\" at offset 15 is IPv4 in a TCP6 line"),
        RejectCase("malformed IPv6 address", "PROXY TCP6 1::2::3 ::1 1 2\r\n",
                   reason: "source address \"1::2::3\" at offset 11 is not an IPv6 address"),
        RejectCase("IPv4 octet over 255", "PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n",
                   reason: "has an octet over 255"),
        RejectCase("IPv4 address with three parts", "PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n",
                   reason: "source address \"1.2.3\" at offset 11 is not a dotted-quad IPv4 address"),
        RejectCase("port over 65535", "PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n",
                   reason: "source port \"65536\" at offset 27 is over 65535"),
        RejectCase("port with a letter", "PROXY TCP4 1.2.3.4 5.6.7.8 1a 2\r\n",
                   reason: "source port \"1a\" at offset 27 is not a decimal number"),
        RejectCase("negative port", "PROXY TCP4 1.2.3.4 5.6.7.8 1 -2\r\n",
                   reason: "destination port \"-2\" at offset 29 is not a decimal number"),
        RejectCase("missing destination port", "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n",
                   reason: "v1: missing destination port at offset 28"),
        RejectCase("missing addresses", "PROXY TCP4\r\n",
                   reason: "v1: missing source address at offset 10"),
        RejectCase("extra field after the destination port", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n",
                   reason: "v1: unexpected \" 3\" at offset 30 after the destination port (expected CRLF)"),
        RejectCase("lower-case protocol", "PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n",
                   reason: "v1: unknown protocol \"tcp4\" at offset 6"),
        RejectCase("missing protocol", "PROXY \r\n",
                   reason: "v1: missing protocol at offset 6"),
        RejectCase("UNKNOWN glued to more text", "PROXY UNKNOWNX\r\n",
                   reason: "v1: unknown protocol \"UNKNOWNX\""),
        RejectCase("bare CR", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX",
                   reason: "v1: CR at offset 30 is followed by 0x58, not LF"),
        RejectCase("bare CR in an UNKNOWN line", "PROXY UNKNOWN a\rb\r\n",
                   reason: "v1: CR at offset 15 is followed by 0x62, not LF"),
        RejectCase("bare LF", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n",
                   reason: "v1: bare LF at offset 30"),
        RejectCase("line of 108 bytes", "PROXY UNKNOWN " + String(repeating: "x", count: 92) + "\r\n",
                   reason: "v1: no CRLF within the first 107 bytes"),
        RejectCase("no CRLF in 107 bytes", "PROXY UNKNOWN " + String(repeating: "x", count: 93),
                   reason: "v1: no CRLF within the first 107 bytes"),
        RejectCase("lower-case signature", "proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n",
                   reason: "not a PROXY header: first byte 0x70"),
    ]

    @Test(arguments: completeLines)
    func malformedLineIsRefusedWithItsReason(_ reject: RejectCase) throws {
        let reason = try #require(invalidReason(ProxyHeaderDecoder.decode(reject.bytes)))
        #expect(reason.contains(reject.reason), "reason was: \(reason)")
    }

    /// None of these ends its line, yet none can become a valid header.
    static let hopelessPrefixes: [RejectCase] = [
        RejectCase("misspelt signature", "PROXZ", reason: "v1: expected \"PROXY \" but got \"PROXZ\""),
        RejectCase("no space after PROXY", "PROXY-", reason: "v1: expected \"PROXY \""),
        RejectCase("unknown protocol", "PROXY TCP5", reason: "v1: unknown protocol \"TCP5\" at offset 6"),
        RejectCase("leading zero in the first octet", "PROXY TCP4 01", reason: "has a leading zero"),
        RejectCase("octet too long", "PROXY TCP4 1.2222", reason: "has an octet over 255"),
        RejectCase("double space", "PROXY TCP4 1.2.3.4  ", reason: "v1: extra space at offset 19"),
        RejectCase("space after the destination port", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 ",
                   reason: "after the destination port (expected CRLF)"),
        RejectCase("port already over 65535", "PROXY TCP4 1.2.3.4 5.6.7.8 70000", reason: "is over 65535"),
        RejectCase("IPv6 text in a TCP4 line", "PROXY TCP4 ::", reason: "is not a dotted-quad IPv4 address"),
        RejectCase("IPv4 text in a TCP6 line", "PROXY TCP6 1.", reason: "is not an IPv6 address"),
        RejectCase("IPv6 group of five digits", "PROXY TCP6 fffff", reason: "is not an IPv6 address"),
        RejectCase("two gaps in IPv6", "PROXY TCP6 1::2::", reason: "is not an IPv6 address"),
        RejectCase("single leading colon before a dotted tail", "PROXY TCP6 :2.", reason: "is not an IPv6 address"),
        RejectCase("tab in an address", "PROXY TCP4 1.2.3.4\t", reason: "is not a dotted-quad IPv4 address"),
        RejectCase("bare LF after UNKNOWN", "PROXY UNKNOWN\n", reason: "v1: bare LF at offset 13"),
        RejectCase("not a PROXY header at all", "a1 LOGIN", reason: "not a PROXY header"),
    ]

    @Test(arguments: hopelessPrefixes)
    func hopelessPrefixIsRefusedWithoutWaiting(_ reject: RejectCase) throws {
        let reason = try #require(invalidReason(ProxyHeaderDecoder.decode(reject.bytes)))
        #expect(reason.contains(reject.reason), "reason was: \(reason)")
    }
}

import Testing
import NetAddress
import ProxyProtocol

/// Shared builders for the decoder and encoder tests.

func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

/// "0d0a…" → bytes; for fixtures produced outside this code base.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8)
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
}

func endpoint(_ text: String) -> SocketEndpoint { SocketEndpoint(text)! }

/// A v2 header with the given version/command and family/transport bytes; `length`
/// overrides the length field when a test wants it to lie.
func v2Header(_ versionCommand: UInt8 = 0x21, _ familyTransport: UInt8 = 0x11, body: [UInt8], length: Int? = nil) -> [UInt8] {
    let length = length ?? body.count
    let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    return signature + [versionCommand, familyTransport, UInt8(length >> 8), UInt8(length & 0xFF)] + body
}

func tlv(_ type: UInt8, _ value: [UInt8]) -> [UInt8] {
    [type, UInt8(value.count >> 8), UInt8(value.count & 0xFF)] + value
}

/// 192.0.2.1:12345 → 198.51.100.2:25 as an INET address block.
let inetBlock: [UInt8] = [192, 0, 2, 1, 198, 51, 100, 2, 0x30, 0x39, 0x00, 0x19]
let inetAddresses = ProxyHeader.Addresses.inet(source: endpoint("192.0.2.1:12345"), destination: endpoint("198.51.100.2:25"))

func invalidReason(_ result: ProxyHeaderDecoding) -> String? {
    if case .invalid(let error) = result { error.reason } else { nil }
}

func decodedHeader(_ result: ProxyHeaderDecoding) -> ProxyHeader? {
    if case .decoded(let header, _) = result { header } else { nil }
}

/// Bytes that must be refused, and a fragment the reason must contain.
struct RejectCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let reason: String

    init(_ name: String, _ bytes: [UInt8], reason: String) {
        self.name = name
        self.bytes = bytes
        self.reason = reason
    }

    init(_ name: String, _ text: String, reason: String) {
        self.init(name, ascii(text), reason: reason)
    }

    var testDescription: String { name }
}

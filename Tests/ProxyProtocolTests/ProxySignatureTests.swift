import ProxyProtocol
import Testing

@Suite struct ProxySignatureTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let bytes: [UInt8]
        let match: ProxySignature.Match
        var testDescription: String { "\(bytes) → \(match)" }
    }

    static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]

    @Test(arguments: [
        Case(bytes: [], match: .undecided),
        Case(bytes: ascii("P"), match: .undecided),
        Case(bytes: ascii("PROXY"), match: .undecided),
        Case(bytes: ascii("PROXY "), match: .v1),
        Case(bytes: ascii("PROXY TCP4 1.2.3.4"), match: .v1),
        Case(bytes: ascii("a"), match: .notProxy),
        Case(bytes: ascii("a1 LOGIN"), match: .notProxy),
        Case(bytes: ascii("EHLO x"), match: .notProxy),
        Case(bytes: ascii("PROXYZ"), match: .notProxy),
        Case(bytes: ascii("proxy "), match: .notProxy),
        Case(bytes: [0x0D, 0x0A], match: .undecided),
        Case(bytes: Array(v2Signature.prefix(11)), match: .undecided),
        Case(bytes: v2Signature, match: .v2),
        Case(bytes: v2Signature + [0x21, 0x11], match: .v2),
        Case(bytes: [0x0D, 0x0A, 0x0D, 0x0A, 0x01], match: .notProxy),
        Case(bytes: [0x0D, 0x0A, 0x0D, 0x0D], match: .notProxy),
    ])
    func classifiesLeadingBytes(_ testCase: Case) {
        #expect(ProxySignature.classify(testCase.bytes) == testCase.match)
    }

    @Test func classifiesASliceWithNonZeroStartIndex() {
        let buffer = ascii("xxPROXY TCP4")
        #expect(ProxySignature.classify(buffer[2...]) == .v1)
        #expect(ProxySignature.classify(buffer[1...]) == .notProxy)
    }
}

import AccessPolicy
import NetAddress
import Testing
@testable import Gate

@Suite struct RejectReplyTests {
    private let client = IPAddress("203.0.113.9")!

    @Test func eachProtocolGetsItsOwnTemporaryFailureLine() {
        func line(_ p: ReplyProtocol) -> String? {
            RejectReply.bytes(for: .upstreamUnavailable, protocol: p, client: client, headerTimeout: .seconds(3))
                .map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(line(.imap) == "* BYE [UNAVAILABLE] mail service temporarily unavailable, please try again later\r\n")
        #expect(line(.pop3) == "-ERR [SYS/TEMP] mail service temporarily unavailable, please try again later\r\n")
        #expect(line(.smtp) == "421 4.7.0 mail service temporarily unavailable, please try again later\r\n")
        #expect(line(.tls) == nil)
        #expect(line(.none) == nil)
    }

    @Test func noReplyEverSaysServerBusyOrNamesAnotherAddress() {
        for reason in RejectReason.allCases {
            let text = RejectReply.explanation(of: reason, client: client, headerTimeout: .milliseconds(1500))
            #expect(!text.lowercased().contains("busy"), "\(reason)")
            let addresses = text.split(whereSeparator: { " ,:;()".contains($0) }).compactMap { IPAddress($0) }
            #expect(addresses.allSatisfy { $0 == client }, "\(reason): \(text)")
        }
    }

    @Test func missingHeaderReplySaysTheTimeoutAsConfigured() {
        let text = RejectReply.explanation(of: .proxyHeaderMissing, client: client, headerTimeout: .milliseconds(1500))
        #expect(text.hasSuffix("within 1500ms"))
    }
}

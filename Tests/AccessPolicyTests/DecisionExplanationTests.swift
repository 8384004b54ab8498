import Testing
import NetAddress
@testable import AccessPolicy

@Suite("The one line `mailgate explain` prints and the console shows")
struct DecisionExplanationTests {
    let lists = AccessLists(
        whitelist: [AccessEntry(id: "w1", source: try! AddressSource(parsing: "203.0.113.7"), description: "haproxy lb1",
                                services: ServiceSet(names: ["imap"]), tcpProxy: true)],
        blacklist: [AccessEntry(id: "b1", source: try! AddressSource(parsing: "198.51.100.0/24"))])

    func explain(_ address: String, _ service: String, timeoutKnown: Bool = true) -> DecisionExplanation {
        let policy = AccessPolicy(lists: lists, services: ["imap", "smtp"])
        let ip = IPAddress(address)!
        return DecisionExplanation(policy.decision(peer: ip, service: service, proxyHeaderTimeout: .seconds(3)),
                                   address: ip, service: service, timeoutKnown: timeoutKnown)
    }

    @Test func namesTheDecisionTheEntryAndTheTimeout() {
        #expect(explain("203.0.113.7", "imap").explanation == "require-proxy-header (whitelist 203.0.113.7 \"haproxy lb1\", timeout 3s)")
        #expect(explain("198.51.100.9", "smtp").explanation == "reject blacklisted (blacklist 198.51.100.0/24)")
        #expect(explain("198.51.100.9", "smtp").reason == "blacklisted")
        #expect(explain("192.0.2.1", "imap").explanation == "direct (no entry matches)")
    }

    @Test func aStandInTimeoutIsLeftOut() {
        let words = explain("203.0.113.7", "imap", timeoutKnown: false)
        #expect(words.timeout == nil)
        #expect(words.explanation == "require-proxy-header (whitelist 203.0.113.7 \"haproxy lb1\")")
    }
}

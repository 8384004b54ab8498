import Testing
import PropertyBased
import NetAddress
@testable import AccessPolicy

private func entry(_ source: String, _ services: [String] = ["all"], proxy: Bool = false,
                   enabled: Bool = true, id: String? = nil) -> AccessEntry {
    let parsed = try! AddressSource(parsing: source)
    return AccessEntry(id: id ?? source, source: parsed, description: source,
                       services: ServiceSet(names: services), tcpProxy: proxy, enabled: enabled)
}

private let services = ["imap", "pop3", "smtp"]
private func ip(_ text: String) -> IPAddress { IPAddress(text)! }

@Suite struct AccessPolicyMatchingTests {
    @Test func flaggedSourceMustSendAHeaderAndEveryoneElseIsDirect() {
        let policy = AccessPolicy(lists: AccessLists(whitelist: [entry("203.0.113.7", ["imap", "pop3"], proxy: true)]),
                                  services: services)
        #expect(policy.decision(peer: ip("203.0.113.7"), service: "imap", proxyHeaderTimeout: .seconds(3)).name == "require-proxy-header")
        #expect(policy.decision(peer: ip("203.0.113.8"), service: "imap", proxyHeaderTimeout: .seconds(3)) == .direct(nil))
        // The flag applies per service: on smtp the load balancer is just another client.
        #expect(policy.decision(peer: ip("203.0.113.7"), service: "smtp", proxyHeaderTimeout: .seconds(3)) == .direct(nil))
    }

    @Test func mostSpecificEntryWins() {
        let lists = AccessLists(whitelist: [entry("10.0.0.0/8"), entry("10.1.2.3", proxy: true)],
                                blacklist: [entry("10.1.0.0/16")])
        let policy = AccessPolicy(lists: lists, services: services)
        #expect(policy.match(ip("10.1.2.3"), service: "imap")?.entry.id == "10.1.2.3")
        #expect(policy.match(ip("10.1.9.9"), service: "imap")?.kind == .blacklist)
        #expect(policy.match(ip("10.2.0.1"), service: "imap")?.entry.id == "10.0.0.0/8")
        #expect(policy.match(ip("11.0.0.1"), service: "imap") == nil)
    }

    @Test func blacklistBeatsWhitelistOnAnExactTie() {
        let lists = AccessLists(whitelist: [entry("192.0.2.0/24")], blacklist: [entry("192.0.2.0/24")])
        let policy = AccessPolicy(lists: lists, services: services)
        #expect(policy.decision(peer: ip("192.0.2.9"), service: "pop3", proxyHeaderTimeout: .seconds(1)).name == "reject")
    }

    @Test func aRangeCountsByItsSize() {
        // 10 addresses beat a /24 (256), a /29 (8) beats the 10-address range.
        let lists = AccessLists(whitelist: [entry("192.0.2.0/24"), entry("192.0.2.10-192.0.2.19", id: "range"),
                                            entry("192.0.2.16/29", id: "small")])
        let policy = AccessPolicy(lists: lists, services: services)
        #expect(policy.match(ip("192.0.2.12"), service: "imap")?.entry.id == "range")
        #expect(policy.match(ip("192.0.2.17"), service: "imap")?.entry.id == "small")
        #expect(policy.match(ip("192.0.2.200"), service: "imap")?.entry.id == "192.0.2.0/24")
    }

    @Test func disabledEntriesAndOtherServicesDoNotTakePart() {
        let lists = AccessLists(blacklist: [entry("198.51.100.1", enabled: false), entry("198.51.100.2", ["smtp"])])
        let policy = AccessPolicy(lists: lists, services: services)
        #expect(policy.match(ip("198.51.100.1"), service: "imap") == nil)
        #expect(policy.match(ip("198.51.100.2"), service: "imap") == nil)
        #expect(policy.match(ip("198.51.100.2"), service: "smtp")?.kind == .blacklist)
    }

    @Test func v4MappedPeersMatchV4Entries() {
        let policy = AccessPolicy(lists: AccessLists(blacklist: [entry("198.51.100.0/24")]), services: services)
        #expect(policy.match(ip("::ffff:198.51.100.77"), service: "imap")?.kind == .blacklist)
    }

    @Test func v6EntriesMatchV6Peers() {
        let lists = AccessLists(whitelist: [entry("2001:db8::/32"), entry("2001:db8::7", proxy: true)])
        let policy = AccessPolicy(lists: lists, services: services)
        #expect(policy.match(ip("2001:db8::7"), service: "imap")?.entry.tcpProxy == true)
        #expect(policy.match(ip("2001:db8:1::1"), service: "imap")?.entry.id == "2001:db8::/32")
        #expect(policy.match(ip("2001:db9::1"), service: "imap") == nil)
        #expect(policy.match(ip("::"), service: "imap") == nil)
    }

    @Test func wholeAddressSpaceEntriesWork() {
        let lists = AccessLists(whitelist: [entry("255.255.255.255")], blacklist: [entry("0.0.0.0/0"), entry("::/0")])
        let policy = AccessPolicy(lists: lists, services: services)
        #expect(policy.match(ip("0.0.0.0"), service: "imap")?.kind == .blacklist)
        #expect(policy.match(ip("255.255.255.255"), service: "imap")?.kind == .whitelist)
        #expect(policy.match(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), service: "imap")?.kind == .blacklist)
    }

    @Test func realClientBehindAProxyIsCheckedAgainstTheBlacklist() {
        let lists = AccessLists(whitelist: [entry("127.0.0.2", proxy: true), entry("198.51.100.9")],
                                blacklist: [entry("198.51.100.0/24")])
        let policy = AccessPolicy(lists: lists, services: services)
        #expect(policy.refusal(ofRealClient: ip("198.51.100.3"), service: "imap")?.kind == .blacklist)
        #expect(policy.refusal(ofRealClient: ip("198.51.100.9"), service: "imap") == nil)
        #expect(policy.refusal(ofRealClient: ip("192.0.2.1"), service: "imap") == nil)
    }

    @Test func lookupsAgreeWithALinearScanOnRandomOverlappingEntries() async {
        let spec = Gen.int(in: 0...15).array(of: 3...3)
        await propertyCheck(count: 200, input: spec.array(of: 1...12), Gen.int(in: 0...255).array(of: 16...16)) { specs, probes in
            // Each spec: [kind/shape selector, a, b] → an address, a /28..30 CIDR or a range in 10.0.0.0-10.0.0.255.
            var lists = AccessLists()
            var seen = Set<String>()
            for (index, spec) in specs.enumerated() {
                let a = spec[1] * 16 + spec[2], b = spec[2] * 16 + spec[1]
                let text: String
                switch spec[0] % 3 {
                case 0: text = "10.0.0.\(a)"
                case 1: let length = 28 + spec[2] % 3; text = "\(IPAddress.v4(0x0A00_0000 | UInt32(a)).masked(to: length))/\(length)"
                default: text = "10.0.0.\(min(a, b))-10.0.0.\(max(a, b))"
                }
                guard seen.insert(text).inserted else { continue }
                let e = entry(text, id: "e\(index)")
                if spec[0] % 2 == 0 { lists.whitelist.append(e) } else { lists.blacklist.append(e) }
            }
            let policy = AccessPolicy(lists: lists, services: services)
            for probe in probes {
                let address = IPAddress.v4(0x0A00_0000 | UInt32(probe))
                #expect(policy.match(address, service: "imap") == linearScan(lists, address))
            }
        }
    }
}

/// The reference semantics, written the obvious way.
private func linearScan(_ lists: AccessLists, _ address: IPAddress) -> MatchedEntry? {
    var best: (MatchedEntry, Int)?
    var position = 0
    for kind in ListKind.allCases {
        for e in lists[kind] {
            defer { position += 1 }
            guard e.enabled, e.source.contains(address) else { continue }
            let candidate = MatchedEntry(kind: kind, entry: e)
            guard let (current, _) = best else { best = (candidate, position); continue }
            let (a, b) = (candidate.entry.source.spanMinusOne, current.entry.source.spanMinusOne)
            if a < b || (a == b && candidate.kind == .blacklist && current.kind == .whitelist) {
                best = (candidate, position)
            }
        }
    }
    return best?.0
}

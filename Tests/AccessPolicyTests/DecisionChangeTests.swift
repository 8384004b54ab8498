import NetAddress
import Testing
@testable import AccessPolicy

private func entry(_ source: String, _ services: [String] = ["all"], proxy: Bool = false, enabled: Bool = true) -> AccessEntry {
    AccessEntry(id: source, source: try! AddressSource(parsing: source), services: ServiceSet(names: services),
                tcpProxy: proxy, enabled: enabled)
}

private func policy(_ whitelist: [AccessEntry], _ blacklist: [AccessEntry] = []) -> AccessPolicy {
    AccessPolicy(lists: AccessLists(whitelist: whitelist, blacklist: blacklist), services: ["imap", "smtp"])
}

private func src(_ text: String) -> AddressSource { try! AddressSource(parsing: text) }

/// "low-high service before>after" for readable expectations.
private func text(_ changes: [DecisionChange]) -> [String] {
    changes.map { "\($0.low)-\($0.high) \($0.service) \($0.before.rawValue)>\($0.after.rawValue)" }
}

@Suite struct DecisionChangeTests {
    @Test func wideningAFlaggedEntryFlagsItsNeighboursButNotTheLoadBalancer() {
        let old = policy([entry("127.0.0.20", ["imap"], proxy: true)])
        let new = policy([entry("127.0.0.0/24", ["imap"], proxy: true)])
        let changes = DecisionChange.between(old, new, within: [src("127.0.0.20"), src("127.0.0.0/24")], services: ["imap", "smtp"])
        #expect(text(changes) == ["127.0.0.0-127.0.0.19 imap direct>require-proxy-header",
                                  "127.0.0.21-127.0.0.255 imap direct>require-proxy-header"])
        #expect(changes.allSatisfy { $0.cutsOff })
        #expect(changes[1].addresses.words == "235 addresses")
    }

    @Test func removingAFlaggedLoadBalancerCutsItsClientsOff() {
        let old = policy([entry("203.0.113.7", ["imap"], proxy: true)])
        let changes = DecisionChange.between(old, policy([]), within: [src("203.0.113.7")], services: ["imap", "smtp"])
        #expect(text(changes) == ["203.0.113.7-203.0.113.7 imap require-proxy-header>direct"])
        #expect(changes[0].cutsOff)
    }

    @Test func aBlacklistBlockLeavesMoreSpecificWhitelistEntriesAlone() {
        let office = entry("192.0.2.10")
        let changes = DecisionChange.between(policy([office]), policy([office], [entry("192.0.2.0/24", ["smtp"])]),
                                             within: [src("192.0.2.0/24")], services: ["imap", "smtp"])
        #expect(text(changes) == ["192.0.2.0-192.0.2.9 smtp direct>blacklisted", "192.0.2.11-192.0.2.255 smtp direct>blacklisted"])
    }

    @Test func removingABlacklistEntryLetsPeopleInAndCutsNobodyOff() {
        let changes = DecisionChange.between(policy([], [entry("198.51.100.0/24")]), policy([]), within: [src("198.51.100.0/24")],
                                             services: ["imap"])
        #expect(text(changes) == ["198.51.100.0-198.51.100.255 imap blacklisted>direct"])
        #expect(!changes[0].cutsOff)
    }

    @Test func anEditThatChangesNoDecisionHasNoChanges() {
        let old = policy([entry("10.0.0.0/8")])
        let new = policy([AccessEntry(id: "10.0.0.0/8", source: src("10.0.0.0/8"), description: "renamed")])
        #expect(DecisionChange.between(old, new, within: [src("10.0.0.0/8")], services: ["imap"]).isEmpty)
    }

    @Test func everythingIsOneBlockPerFamily() {
        let changes = DecisionChange.between(policy([]), policy([], [entry("::/0")]), within: [src("::/0")], services: ["imap"])
        #expect(text(changes) == ["::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff imap direct>blacklisted"])
        #expect(changes[0].addresses.isEverything)
    }
}

@Suite struct AddressCountTests {
    @Test(arguments: [
        ("192.0.2.1", "1 address", false, false),
        ("192.0.2.0/24", "256 addresses", false, false),
        ("10.0.0.0/8", "16,777,216 addresses (1/256 of all IPv4)", false, true),
        ("0.0.0.0/0", "every IPv4 address", true, true),
        ("2001:db8::/64", "2^64 addresses", false, false),
        ("2001:db8::/32", "2^96 addresses (1/4,294,967,296 of all IPv6)", false, true),
        ("::/0", "every IPv6 address", true, true),
        ("192.0.2.10-192.0.2.20", "11 addresses", false, false),
    ])
    func wordsForASource(source: String, words: String, everything: Bool, largeShare: Bool) {
        let count = AddressCount(src(source))
        #expect(count.words == words)
        #expect(count.isEverything == everything)
        #expect(count.isLargeShare == largeShare)
    }
}

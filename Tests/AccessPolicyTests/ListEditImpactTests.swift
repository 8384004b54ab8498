import NetAddress
import Testing
import AccessPolicy

private let services = ["imap", "smtp"]

private func lists(whitelist: [AccessEntry] = [], blacklist: [AccessEntry] = []) -> AccessLists {
    AccessLists(whitelist: whitelist, blacklist: blacklist)
}

@Suite struct ListEditImpactTests {
    @Test func flaggingADirectClientCutsItOffAndCarriesTheTCPProxyWarning() throws {
        let before = lists()
        let (after, added) = try before.adding(EntryDraft(source: "203.0.113.7", services: ["imap"], tcpProxy: true),
                                               to: .whitelist, knownServices: Set(services), by: nil)
        let impact = ListEditImpact(kind: .whitelist, from: before, to: after, entry: added, before: nil, services: services)
        #expect(impact.effect == .added)
        #expect(impact.cuts.map(\.line) == ["203.0.113.7 (1 address) on imap: direct → require-proxy-header"])
        #expect(impact.tcpProxyWarning.first == "Enabling TCP Proxy for 203.0.113.7:")
    }

    @Test func removingAFlaggedLoadBalancerCutsItOffWithoutTheWarning() throws {
        let start = try lists().adding(EntryDraft(source: "203.0.113.7", tcpProxy: true), to: .whitelist,
                                       knownServices: Set(services), by: nil)
        let (after, removed) = try start.lists.removing(start.entry.id, from: .whitelist)
        let impact = ListEditImpact(kind: .whitelist, from: start.lists, to: after, entry: removed, before: removed, services: services)
        #expect(impact.effect == .removed)
        #expect(impact.cuts.map(\.line) == ["203.0.113.7 (1 address) on imap: require-proxy-header → direct",
                                            "203.0.113.7 (1 address) on smtp: require-proxy-header → direct"])
        #expect(impact.tcpProxyWarning.isEmpty)
    }

    @Test func unblacklistingCutsNobodyOff() throws {
        let start = try lists().adding(EntryDraft(source: "198.51.100.0/24"), to: .blacklist, knownServices: Set(services), by: nil)
        let (after, before, changed) = try start.lists.updating(start.entry.id, in: .blacklist, with: EntryDraft(enabled: false),
                                                                knownServices: Set(services), by: nil)
        let impact = ListEditImpact(kind: .blacklist, from: start.lists, to: after, entry: changed, before: before, services: services)
        #expect(impact.effect == .updated)
        #expect(!impact.cutsClientsOff)
    }
}

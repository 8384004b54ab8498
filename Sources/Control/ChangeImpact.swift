import AccessPolicy
import Foundation
import Gate
import NetAddress

/// The impact of one proposed change to either list (DESIGN §4): what the gate saw in the
/// last 1 and 15 minutes, and the connections open now, replayed through the policy in force
/// and the proposed one. Pure: the traffic comes in as values, the report goes out.
public struct ChangeImpact: Sendable {
    /// What one exact address did on one service recently.
    public struct Observation: Sendable {
        public var source: IPAddress
        public var service: String
        public var lastMinute: SourceActivity
        public var last15Minutes: SourceActivity
        public init(source: IPAddress, service: String, lastMinute: SourceActivity, last15Minutes: SourceActivity) {
            self.source = source
            self.service = service
            self.lastMinute = lastMinute
            self.last15Minutes = last15Minutes
        }
    }

    /// A connection open now, as far as its decision goes.
    public struct OpenConnection: Sendable {
        public var peer: IPAddress
        public var realClient: IPAddress?
        public var service: String
        /// Whether it came (or is expected to come) with a PROXY header.
        public var proxied: Bool
        public init(peer: IPAddress, realClient: IPAddress?, service: String, proxied: Bool) {
            self.peer = peer
            self.realClient = realClient
            self.service = service
            self.proxied = proxied
        }
    }

    public var list: ListKind
    public var before: AccessEntry?
    public var after: AccessEntry?
    public var current: AccessLists
    public var proposed: AccessLists
    public var services: [String]
    public var revertAfter: Duration

    public init(list: ListKind, before: AccessEntry?, after: AccessEntry?, current: AccessLists, proposed: AccessLists,
                services: [String], revertAfter: Duration) {
        self.list = list
        self.before = before
        self.after = after
        self.current = current
        self.proposed = proposed
        self.services = services
        self.revertAfter = revertAfter
    }

    var action: String { before == nil ? "add" : after == nil ? "remove" : "update" }
    var subject: AccessEntry { (after ?? before)! }

    public func report(observations: [Observation], open: [OpenConnection]) -> ImpactReport {
        let old = AccessPolicy(lists: current, services: services)
        let new = AccessPolicy(lists: proposed, services: services)
        let regions = [before?.source, after?.source].compactMap { $0 }
        let changes = DecisionChange.between(old, new, within: regions, services: services)
        let enables = changes.contains { $0.after == .proxyHeader && $0.before != .proxyHeader }
        func verdict(_ policy: AccessPolicy, _ address: IPAddress, _ service: String) -> Verdict {
            Verdict(policy.decision(peer: address, service: service, proxyHeaderTimeout: .seconds(1)))
        }
        func inRegion(_ address: IPAddress) -> Bool { regions.contains { $0.contains(address.normalized) } }

        // What would be refused, keyed by (address, outcome).
        var affected: [String: ImpactReport.Affected] = [:]
        func note(_ source: IPAddress, _ service: String, _ outcome: ImpactReport.Affected.Outcome,
                  minute: Int, quarter: Int, open: Int = 0) {
            let key = "\(source) \(outcome.rawValue)"
            var item = affected[key] ?? .init(source: "\(source)", services: [], outcome: outcome, lastMinute: 0, last15Minutes: 0, openNow: 0)
            if !item.services.contains(service) { item.services.append(service) }
            item.lastMinute += minute
            item.last15Minutes += quarter
            item.openNow += open
            affected[key] = item
        }
        var evidence: [String: ImpactReport.Evidence] = [:]

        for seen in observations where services.contains(seen.service) && inRegion(seen.source) {
            let (was, will) = (verdict(old, seen.source, seen.service), verdict(new, seen.source, seen.service))
            let (m, q) = (seen.lastMinute, seen.last15Minutes)
            if q.direct > 0, was == .direct, will != .direct {
                note(seen.source, seen.service, will == .proxyHeader ? .headerMissing : .blacklisted, minute: m.direct, quarter: q.direct)
            }
            if q.proxied > 0, was == .proxyHeader, will != .proxyHeader {
                note(seen.source, seen.service, will == .direct ? .loadBalancerCutOff : .blacklisted, minute: m.proxied, quarter: q.proxied)
            }
            if q.behindProxy > 0, old.refusal(ofRealClient: seen.source, service: seen.service) == nil,
               new.refusal(ofRealClient: seen.source, service: seen.service) != nil {
                note(seen.source, seen.service, .clientBehindProxyBlacklisted, minute: m.behindProxy, quarter: q.behindProxy)
            }
            if q.untrustedHeaders > 0, enables, was != .proxyHeader, will == .proxyHeader {
                let key = "\(seen.source)"
                var item = evidence[key] ?? .init(source: key, services: [], lastMinute: 0, last15Minutes: 0)
                if !item.services.contains(seen.service) { item.services.append(seen.service) }
                item.lastMinute += m.untrustedHeaders
                item.last15Minutes += q.untrustedHeaders
                evidence[key] = item
            }
        }

        var openAffected = 0
        for connection in open where services.contains(connection.service) {
            var hit = false
            if inRegion(connection.peer) {
                let (was, will) = (verdict(old, connection.peer, connection.service), verdict(new, connection.peer, connection.service))
                if !connection.proxied, was == .direct, will != .direct {
                    note(connection.peer, connection.service, will == .proxyHeader ? .headerMissing : .blacklisted, minute: 0, quarter: 0, open: 1)
                    hit = true
                } else if connection.proxied, was == .proxyHeader, will != .proxyHeader {
                    note(connection.peer, connection.service, will == .direct ? .loadBalancerCutOff : .blacklisted, minute: 0, quarter: 0, open: 1)
                    hit = true
                }
            }
            if !hit, let client = connection.realClient, inRegion(client),
               old.refusal(ofRealClient: client, service: connection.service) == nil,
               new.refusal(ofRealClient: client, service: connection.service) != nil {
                note(client, connection.service, .clientBehindProxyBlacklisted, minute: 0, quarter: 0, open: 1)
                hit = true
            }
            if hit { openAffected += 1 }
        }

        let cutting = changes.filter(\.cutsOff)
        var coverage: [ImpactReport.Coverage] = []
        for source in Set(regions) where source.spanMinusOne > 0 {
            guard cutting.contains(where: { source.contains($0.low) }) || enables else { continue }
            let count = AddressCount(source)
            coverage.append(.init(source: "\(source)", addresses: count.words, everything: count.isEverything, largeShare: count.isLargeShare))
        }
        coverage.sort { $0.source < $1.source }

        for key in affected.keys { affected[key]?.services.sort() }
        for key in evidence.keys { evidence[key]?.services.sort() }
        let items = affected.values.sorted { ($0.last15Minutes + $0.openNow, $1.source) > ($1.last15Minutes + $1.openNow, $0.source) }
        let proofs = evidence.values.sorted { ($0.last15Minutes, $1.source) > ($1.last15Minutes, $0.source) }
        let wideCut = !cutting.isEmpty && coverage.contains { $0.largeShare }
        // A flag going on or off is always checked and revertible, traffic seen or not: it is
        // the setting that cuts a whole site off (direct clients, or everyone behind a balancer).
        let unflags = cutting.contains { $0.before == .proxyHeader }
        let requires = enables || unflags || !items.isEmpty || wideCut
        let entryServices = subject.services == .all ? services.sorted() : subject.services.names
        var report = ImpactReport(
            list: list, action: action, entryID: subject.id, source: "\(subject.source)", services: entryServices,
            change: changeWords, enablesTCPProxy: enables, disablesTCPProxy: unflags, scope: enables ? scope(changes) : nil,
            affected: items, evidence: proofs, coverage: coverage, openConnections: openAffected,
            requiresAcknowledgement: requires, warning: [], revertAfterSeconds: revertAfter.inSeconds)
        report.warning = ImpactWords.lines(report, revertAfter: revertAfter, cutsOffUnseen: !cutting.isEmpty)
        return report
    }

    /// "turn tcp_proxy on for 127.0.0.20 (lb1)", "remove whitelist entry 127.0.0.20 (lb1)", …
    var changeWords: String {
        let named = { (e: AccessEntry) in e.description.isEmpty ? "\(e.source)" : "\(e.source) (\(e.description))" }
        switch (before, after) {
        case (nil, let a?):
            return "add \(list.rawValue) entry \(named(a))\(list == .whitelist && a.tcpProxy ? " with tcp_proxy on" : "")"
        case (let b?, nil):
            return "remove \(list.rawValue) entry \(named(b))"
        case (let b?, let a?):
            let fields = AccessListsDiff.fieldChanges(b, a)
            if fields == ["tcp_proxy false → true"] { return "turn tcp_proxy on for \(named(a))" }
            if fields == ["tcp_proxy true → false"] { return "turn tcp_proxy off for \(named(a))" }
            return "change \(list.rawValue) entry \(named(b)): \(fields.isEmpty ? "nothing" : fields.joined(separator: ", "))"
        default:
            return ""
        }
    }

    /// Who will need a PROXY header after the change, in words; plain about wide sources.
    func scope(_ changes: [DecisionChange]) -> String {
        let newlyFlagged = changes.filter { $0.after == .proxyHeader && $0.before != .proxyHeader }
        let names = Array(Set(newlyFlagged.map(\.service))).sorted().joined(separator: ", ")
        let source = subject.source
        let count = AddressCount(source)
        if count.isEverything {
            return "EVERY client on \(names) (\(source) covers \(count.words)) will need to send a PROXY header: nobody can connect directly"
        }
        let who = count.isWide ? "any of the \(count.words) in \(source)" : "\(source)"
        return "only connections from \(who) on \(names) will need a PROXY header; everyone else is unaffected"
    }
}

import AccessPolicy
import Foundation
import Gate
import MailgateAPI
import NetAddress

/// The impact of one proposed change to either list: what the gate saw in the
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
        let replay = Replay(old: AccessPolicy(lists: current, services: services), new: AccessPolicy(lists: proposed, services: services),
                            regions: [before?.source, after?.source].compactMap { $0 }, services: services)
        let changes = DecisionChange.between(replay.old, replay.new, within: replay.regions, services: services)
        let enables = changes.contains { $0.after == .proxyHeader && $0.before != .proxyHeader }
        let cutting = changes.filter(\.cutsOff)
        // A flag going on or off is always checked and revertible, traffic seen or not: it is
        // the setting that cuts a whole site off (direct clients, or everyone behind a balancer).
        let unflags = cutting.contains { $0.before == .proxyHeader }

        var tally = Tally()
        for seen in observations { replay.count(seen, into: &tally, evidence: enables) }
        var openAffected = 0
        for connection in open where replay.count(connection, into: &tally) { openAffected += 1 }

        var coverage: [ImpactReport.Coverage] = []
        for source in Set(replay.regions) where source.spanMinusOne > 0 {
            guard enables || cutting.contains(where: { source.contains($0.low) }) else { continue }
            let count = AddressCount(source)
            coverage.append(.init(source: "\(source)", addresses: count.words, everything: count.isEverything, largeShare: count.isLargeShare))
        }
        coverage.sort { $0.source < $1.source }

        let items = tally.affected.values.sorted { ($0.last15Minutes + $0.openNow, $1.source) > ($1.last15Minutes + $1.openNow, $0.source) }
        let proofs = tally.evidence.values.sorted { ($0.last15Minutes, $1.source) > ($1.last15Minutes, $0.source) }
        let wideCut = !cutting.isEmpty && coverage.contains { $0.largeShare }
        var report = ImpactReport(
            list: list, action: action, entryID: subject.id, source: "\(subject.source)",
            services: subject.services == .all ? services.sorted() : subject.services.names,
            change: changeWords, enablesTCPProxy: enables, disablesTCPProxy: unflags, scope: enables ? scope(changes) : nil,
            affected: items, evidence: proofs, coverage: coverage, openConnections: openAffected,
            requiresAcknowledgement: enables || unflags || !items.isEmpty || wideCut, warning: [], revertAfterSeconds: revertAfter.inSeconds)
        report.warning = ImpactWords.lines(report, revertAfter: revertAfter, cutsOffUnseen: !cutting.isEmpty)
        return report
    }

    /// What the replay found: who would be refused (by address and outcome) and the
    /// evidence of load balancers (by address).
    struct Tally {
        var affected: [String: ImpactReport.Affected] = [:]
        var evidence: [String: ImpactReport.Evidence] = [:]

        mutating func refuse(_ source: IPAddress, _ service: String, _ outcome: ImpactReport.Affected.Outcome,
                             minute: Int = 0, quarter: Int = 0, open: Int = 0) {
            let key = "\(source) \(outcome.rawValue)"
            var item = affected[key] ?? .init(source: "\(source)", services: [], outcome: outcome, lastMinute: 0, last15Minutes: 0, openNow: 0)
            if !item.services.contains(service) { item.services = (item.services + [service]).sorted() }
            item.lastMinute += minute
            item.last15Minutes += quarter
            item.openNow += open
            affected[key] = item
        }

        mutating func prove(_ source: IPAddress, _ service: String, minute: Int, quarter: Int) {
            let key = "\(source)"
            var item = evidence[key] ?? .init(source: key, services: [], lastMinute: 0, last15Minutes: 0)
            if !item.services.contains(service) { item.services = (item.services + [service]).sorted() }
            item.lastMinute += minute
            item.last15Minutes += quarter
            evidence[key] = item
        }
    }

    /// The policy in force and the proposed one, asked about the addresses the edit touches.
    struct Replay {
        var old: AccessPolicy
        var new: AccessPolicy
        var regions: [AddressSource]
        var services: [String]

        func touches(_ address: IPAddress, _ service: String) -> Bool {
            services.contains(service) && regions.contains { $0.contains(address.normalized) }
        }

        func verdicts(_ address: IPAddress, _ service: String) -> (was: Verdict, will: Verdict) {
            (Verdict(old.decision(peer: address, service: service, proxyHeaderTimeout: .seconds(1))),
             Verdict(new.decision(peer: address, service: service, proxyHeaderTimeout: .seconds(1))))
        }

        /// How a connection that got in before is refused after, or nil: a direct one (no
        /// header) or one through a PROXY header (from a flagged balancer).
        static func refusal(direct: Bool, _ verdicts: (was: Verdict, will: Verdict)) -> ImpactReport.Affected.Outcome? {
            let (was, will) = verdicts
            if direct { return was == .direct && will != .direct ? (will == .proxyHeader ? .headerMissing : .blacklisted) : nil }
            return was == .proxyHeader && will != .proxyHeader ? (will == .direct ? .loadBalancerCutOff : .blacklisted) : nil
        }

        /// Whether a real client named in a PROXY header would now be blacklisted.
        func blacklists(realClient: IPAddress, _ service: String) -> Bool {
            old.refusal(ofRealClient: realClient, service: service) == nil && new.refusal(ofRealClient: realClient, service: service) != nil
        }

        func count(_ seen: Observation, into tally: inout Tally, evidence: Bool) {
            guard touches(seen.source, seen.service) else { return }
            let verdicts = verdicts(seen.source, seen.service)
            let (m, q) = (seen.lastMinute, seen.last15Minutes)
            if q.direct > 0, let outcome = Self.refusal(direct: true, verdicts) {
                tally.refuse(seen.source, seen.service, outcome, minute: m.direct, quarter: q.direct)
            }
            if q.proxied > 0, let outcome = Self.refusal(direct: false, verdicts) {
                tally.refuse(seen.source, seen.service, outcome, minute: m.proxied, quarter: q.proxied)
            }
            if q.behindProxy > 0, blacklists(realClient: seen.source, seen.service) {
                tally.refuse(seen.source, seen.service, .clientBehindProxyBlacklisted, minute: m.behindProxy, quarter: q.behindProxy)
            }
            if evidence, q.untrustedHeaders > 0, verdicts.was != .proxyHeader, verdicts.will == .proxyHeader {
                tally.prove(seen.source, seen.service, minute: m.untrustedHeaders, quarter: q.untrustedHeaders)
            }
        }

        /// Counts an open connection the change would refuse on reconnecting; returns whether it would.
        func count(_ connection: OpenConnection, into tally: inout Tally) -> Bool {
            if touches(connection.peer, connection.service),
               let outcome = Self.refusal(direct: !connection.proxied, verdicts(connection.peer, connection.service)) {
                tally.refuse(connection.peer, connection.service, outcome, open: 1)
                return true
            }
            if let client = connection.realClient, touches(client, connection.service), blacklists(realClient: client, connection.service) {
                tally.refuse(client, connection.service, .clientBehindProxyBlacklisted, open: 1)
                return true
            }
            return false
        }
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

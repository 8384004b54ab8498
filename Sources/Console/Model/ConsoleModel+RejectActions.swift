import AccessPolicy
import Foundation
import NetAddress

/// What the Rejects view offers on the selected row: open the entry that decided it, explain
/// the decision (the words `mailgate explain` prints), blacklist the source, or flag it as a
/// load balancer. The two writes go the way of every risky change: a question or the impact
/// dialog first, and a pending change that reverts itself unless confirmed.
extension ConsoleModel {
    /// The whitelist or blacklist entry that decides this source now, on the first service it was refused on.
    func decidingEntry(_ reject: RejectSummary) -> MatchedEntry? {
        guard let address = IPAddress(reject.source) else { return nil }
        for service in reject.services.isEmpty ? knownServices : reject.services {
            if let matched = policy.decision(peer: address, service: service, proxyHeaderTimeout: .seconds(5)).matchedEntry { return matched }
        }
        return nil
    }

    mutating func openRejectEntry() {
        guard let reject = selectedReject else { return }
        guard let matched = decidingEntry(reject) else {
            var hint = ""
            if !readonly { hint = reject.reason == .proxyHeaderFromUntrustedSource ? "; b blacklists it, f flags it as a load balancer" : "; b blacklists it" }
            notice = Notice(text: "No whitelist or blacklist entry matches \(reject.source)\(hint).", isError: false)
            return
        }
        let target: ConsoleView = matched.kind == .whitelist ? .whitelist : .blacklist
        filters[target] = nil
        view = target
        selection[target] = visibleEntries(matched.kind).firstIndex { $0.id == matched.entry.id } ?? 0
    }

    /// Why the gate refused it, and what it would decide now on each service it was refused on.
    public func rejectExplanation(_ reject: RejectSummary) -> DetailPanel {
        var fields = [DetailPanel.Field("Source", reject.source), DetailPanel.Field("Refused for", "\(reject.reason.rawValue): \(Self.why(reject.reason))")]
        if let address = IPAddress(reject.source) {
            for service in reject.services.isEmpty ? knownServices : reject.services {
                let decision = policy.decision(peer: address, service: service, proxyHeaderTimeout: .seconds(5))
                fields.append(DetailPanel.Field("Now on \(service)", DecisionExplanation(decision, address: address, service: service,
                                                                                         timeoutKnown: false).explanation))
            }
        } else {
            fields.append(DetailPanel.Field("Now", "\(reject.source) is not an address; nothing to explain"))
        }
        fields.append(DetailPanel.Field("From", "the lists at revision \(revision), as `mailgate explain ADDRESS SERVICE` shows them"))
        return DetailPanel(title: "Why \(reject.source) is refused", fields: fields)
    }

    static func why(_ reason: RejectReason) -> String {
        switch reason {
        case .proxyHeaderMissing: "it is flagged as a load balancer (TCP Proxy) but sent no PROXY header in time"
        case .proxyHeaderInvalid: "it is flagged as a load balancer but its PROXY header did not parse"
        case .proxyHeaderFromUntrustedSource: "it sent a PROXY header but is not flagged as a load balancer (TCP Proxy off), so the header was refused"
        case .blacklisted: "a blacklist entry matches it (or the real client its PROXY header named)"
        case .upstreamUnavailable: "the upstream server did not answer"
        case .connectionLimit: "the connection limit was reached"
        case .shuttingDown: "the gate was shutting down"
        }
    }

    mutating func explainReject() {
        guard let reject = selectedReject else { return }
        overlay = .detail(rejectExplanation(reject))
    }

    mutating func blacklistReject() {
        guard let reject = selectedReject else { return }
        if reject.reason == .blacklisted, let matched = decidingEntry(reject), matched.kind == .blacklist {
            notice = Notice(text: "\(reject.source) is blacklisted already (entry \(matched.entry.source), \(matched.entry.id)); o opens it.", isError: false)
            return
        }
        let draft = EntryDraft(source: reject.source, description: "from Rejects: \(reject.reason.rawValue)", services: ["all"], enabled: true)
        overlay = .confirm(ConfirmDialog(
            title: "Blacklist \(reject.source)?",
            lines: ["Add \(reject.source) to the blacklist on all services?",
                    "Its connections are then refused (\(Formatting.count(reject.count)) rejects so far for \(reject.reason.rawValue)).",
                    "If that could cut clients off, the impact warning comes next, and the change reverts itself unless confirmed."],
            confirmLabel: "Blacklist",
            command: .write(ListWrite(list: .blacklist, action: .add(draft), revision: revision(of: .blacklist), source: reject.source))))
    }

    /// Flags the source as a load balancer: its own whitelist entry gets TCP Proxy, or a new
    /// entry for the address alone is added with it (a wider entry stays as it is).
    mutating func flagRejectAsLoadBalancer() -> [ConsoleCommand] {
        guard let reject = selectedReject else { return [] }
        guard reject.reason == .proxyHeaderFromUntrustedSource else {
            notice = Notice(text: "Only a source refused for proxy-header-from-untrusted-source sent PROXY headers; nothing to flag.", isError: false)
            return []
        }
        let write: ListWrite
        if let own = (whitelist?.entries ?? []).first(where: { "\($0.source)" == reject.source }) {
            guard !own.tcpProxy else {
                notice = Notice(text: "\(reject.source) is flagged already (entry \(own.id)).", isError: false)
                return []
            }
            write = ListWrite(list: .whitelist, action: .update(entryID: own.id, EntryDraft(tcpProxy: true)),
                              revision: revision(of: .whitelist), source: reject.source)
        } else {
            let services = reject.services.isEmpty ? ["all"] : reject.services
            write = ListWrite(list: .whitelist, action: .add(EntryDraft(source: reject.source, description: "load balancer (flagged from Rejects)",
                                                                        services: services, tcpProxy: true, enabled: true)),
                              revision: revision(of: .whitelist), source: reject.source)
        }
        // Flagging always has an impact: the dialog opens at once and waits for the daemon's report.
        overlay = .impact(ImpactDialog(write: write))
        return [.write(write)]
    }
}

import AccessPolicy
import Gate
import MailgateAPI

/// The impact report in sentences, one a line, "• " before an item: what the console's
/// dialog and the CLI's prompt show, word for word.
enum ImpactWords {
    static func lines(_ report: ImpactReport, revertAfter: Duration, cutsOffUnseen: Bool) -> [String] {
        var lines = ["Proposed: \(report.change)."]
        if let scope = report.scope { lines.append("Scope: \(scope).") }
        for wide in report.coverage {
            if wide.everything {
                lines.append("\(wide.source) covers \(wide.addresses): this applies to EVERYONE.")
            } else if wide.largeShare {
                lines.append("\(wide.source) covers \(wide.addresses): a large share of the Internet, not one site.")
            } else {
                lines.append("\(wide.source) covers \(wide.addresses).")
            }
        }
        if report.affected.isEmpty {
            lines.append("Nothing seen in the last 15 minutes, and no open connection, would be refused after this change.")
            if cutsOffUnseen { lines.append("(Only traffic of the last 15 minutes is counted: a source not seen in that time can still be refused.)") }
        } else {
            let sources = Set(report.affected.map(\.source)).count
            lines.append("Seen in the last 15 minutes, \(sources) source\(sources == 1 ? "" : "s") would be REFUSED after this change:")
            lines += report.affected.map(item)
        }
        if report.disablesTCPProxy && !report.affected.contains(where: { $0.outcome == .loadBalancerCutOff }) {
            lines.append("\(report.source) would no longer be trusted as a load balancer: if it is one, every client behind it is cut off (its PROXY headers refused as spoofed). No connection through it was seen in the last 15 minutes.")
        }
        if report.enablesTCPProxy {
            if report.evidence.isEmpty {
                lines.append("No address in \(report.source) sent a PROXY header while not flagged: nothing here shows it is a load balancer.")
            } else {
                lines.append("Evidence that it is a load balancer (PROXY headers refused while not flagged, per address):")
                lines += report.evidence.map { proof in
                    "• \(proof.source) sent \(plural(proof.last15Minutes, "PROXY header")) on \(proof.services.joined(separator: ", ")) (\(proof.lastMinute) in the last minute)"
                }
            }
        }
        if report.openConnections > 0 {
            lines.append("\(plural(report.openConnections, "connection")) open now would be refused on reconnecting; open connections are not dropped.")
        }
        if report.requiresAcknowledgement {
            lines.append("Applied, the change reverts itself after \(revertAfter.configText) unless confirmed.")
        }
        return lines
    }

    static func item(_ item: ImpactReport.Affected) -> String {
        let on = item.services.joined(separator: ", ")
        let seen = "\(plural(item.last15Minutes, "connection")) in 15 min, \(item.lastMinute) in the last minute\(item.openNow > 0 ? ", \(item.openNow) open now" : "")"
        switch item.outcome {
        case .headerMissing:
            return "• \(item.source) on \(on): \(seen), no PROXY header — would be refused (proxy-header-missing)"
        case .blacklisted:
            return "• \(item.source) on \(on): \(seen) — would be refused (blacklisted)"
        case .loadBalancerCutOff:
            return "• \(item.source) on \(on): a load balancer, \(seen) through it — its headers would be refused as spoofed: every client behind it is cut off"
        case .clientBehindProxyBlacklisted:
            return "• \(item.source) (behind a load balancer) on \(on): \(seen) — would be refused (blacklisted)"
        }
    }

    static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}

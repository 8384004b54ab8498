import AccessPolicy
import Foundation
import Gate
import NetAddress

/// The impact report of enabling `tcp_proxy` on an entry (DESIGN §4), from live traffic:
/// the direct connections that would be refused, the PROXY headers that show the source is
/// a proxy, and the connections open now (they are not dropped).
extension ImpactReport {
    static func build(for entry: AccessEntry, services known: [String], gate: GateState, revertAfter: Duration,
                      now: Date = Date()) -> ImpactReport {
        let services = entry.services == .all ? known.sorted() : entry.services.names
        let seconds = Int64(now.timeIntervalSince1970)
        func window(_ length: Int64) -> Window {
            var total = Window(directConnections: 0, untrustedProxyHeaders: 0, rejected: 0)
            for item in gate.windows.sources(windowSeconds: length, now: seconds)
            where services.contains(item.service) && entry.source.contains(item.source) {
                total.directConnections += item.activity.direct
                total.untrustedProxyHeaders += item.activity.untrustedHeaders
                total.rejected += item.activity.rejected
            }
            return total
        }
        let lastMinute = window(60)
        let last15 = window(900)
        let open = gate.registry.snapshot().filter { services.contains($0.service) && entry.source.contains($0.peer.address) }.count
        let revertSeconds = Double(revertAfter.components.seconds) + Double(revertAfter.components.attoseconds) / 1e18

        var warning = TCPProxyWarning.lines(for: entry, services: known)
        let on = services.joined(separator: ", ")
        warning.append("In the last 15 minutes \(entry.source) made \(last15.directConnections) direct connection(s) on \(on) (\(lastMinute.directConnections) in the last minute): after the change they would be REFUSED.")
        if last15.untrustedProxyHeaders > 0 {
            warning.append("It sent \(last15.untrustedProxyHeaders) PROXY header(s) while not flagged: evidence that it really is a load balancer.")
        } else {
            warning.append("It sent no PROXY header while not flagged: nothing here shows it is a load balancer.")
        }
        warning.append("\(open) connection(s) from it are open now; they are not dropped.")
        warning.append("The change reverts itself after \(revertAfter.configText) unless confirmed.")
        return ImpactReport(entryID: entry.id, source: entry.source.description, services: services,
                            scope: TCPProxyWarning.scope(of: entry, services: known), lastMinute: lastMinute,
                            last15Minutes: last15, openConnections: open, warning: warning, revertAfterSeconds: revertSeconds)
    }
}

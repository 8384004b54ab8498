import AccessPolicy
import MailgateAPI
import Foundation

/// The detail panel for each kind of row, field by field, in the words the tables use.
extension DetailPanel {
    static func time(_ date: Date?, now: Date) -> String {
        guard let date else { return "—" }
        let ago = now.timeIntervalSince(date)
        let when = date.formatted(.iso8601)
        return ago >= 0 ? "\(when) (\(Formatting.age(ago)) ago)" : "\(when) (in \(Formatting.age(-ago)))"
    }

    init(connection c: OpenConnection, now: Date) {
        let state: String = switch c.state {
        case .relayingProxied: "relaying, proxied (a PROXY header named the client)"
        case .relayingDirect: "relaying, direct"
        case .awaitingHeader: "waiting for a PROXY header"
        }
        self.init(title: "Connection \(c.id)", fields: [
            Field("Service", c.service),
            Field("Peer", "\(c.peer)"),
            Field("Real client", c.realClient.map { "\($0)" } ?? (c.state == .relayingProxied ? "(none: a health check)" : "—")),
            Field("State", state),
            Field("Entry", [c.entrySource, c.entryID.map { "id \($0)" }].compactMap { $0 }.joined(separator: ", ").ifEmpty("— none")),
            Field("Started", Self.time(c.started, now: now)),
            Field("From client", c.bytesFromClient.map { "\(Formatting.count($0)) bytes (as of the last full list)" } ?? "— (opened since the last full list)"),
            Field("To client", c.bytesToClient.map { "\(Formatting.count($0)) bytes (as of the last full list)" } ?? "— (opened since the last full list)"),
        ])
    }

    init(reject r: RejectSummary, now: Date) {
        self.init(title: "Rejects from \(r.source)", fields: [
            Field("Source", r.source),
            Field("Reason", r.reason.rawValue),
            Field("Services", r.services.joined(separator: ", ").ifEmpty("—")),
            Field("Count", Formatting.count(r.count)),
            Field("Last minute", "\(r.perMinute(now: now))"),
            Field("First seen", Self.time(r.firstSeen, now: now)),
            Field("Last seen", Self.time(r.lastSeen, now: now)),
        ])
    }

    init(entry e: AccessEntry, list: ListKind, pending: [PendingChangeInfo], now: Date) {
        var fields = [
            Field("Source", "\(e.source)"),
            Field("Description", e.description.ifEmpty("—")),
            Field("Services", e.services.names.joined(separator: ", ")),
        ]
        if list == .whitelist { fields.append(Field("TCP Proxy", e.tcpProxy ? "on (a PROXY header is required)" : "off")) }
        fields += [
            Field("State", e.enabled ? "enabled" : "disabled"),
            Field("Created", Self.time(e.created, now: now)),
            Field("Updated", Self.time(e.updated, now: now)),
            Field("Changed by", e.by ?? "—"),
            Field("Id", e.id),
        ]
        for change in pending where change.list == list && change.entryID == e.id {
            fields.append(Field("Pending", "\(change.summary) (\(change.id), reverts \(Self.time(change.deadline, now: now)) unless confirmed)"))
        }
        self.init(title: "\(list == .whitelist ? "Whitelist" : "Blacklist") entry \(e.source)", fields: fields,
                  entry: EntryRef(list: list, entryID: e.id))
    }

    init(change: PendingChangeInfo, now: Date) {
        var fields = [
            Field("Change", change.summary),
            Field("State", change.state.rawValue),
            Field("List", change.list.rawValue),
            Field("Source", change.source),
            Field("Entry id", change.entryID),
            Field("By", change.by ?? "—"),
            Field("Created", Self.time(change.created, now: now)),
            Field("Reverts", Self.time(change.deadline, now: now) + " unless confirmed"),
        ]
        if let outcome = change.outcome { fields.append(Field("Outcome", outcome)) }
        fields.append(Field("Id", change.id))
        self.init(title: "Pending change \(change.id)", fields: fields)
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}

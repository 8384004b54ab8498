import AccessPolicy
import MailgateAPI
import Foundation

/// The detail panel of an audit record: every field, and the entry before and after.
extension DetailPanel {
    static func entryWords(_ e: AccessEntry?) -> String {
        guard let e else { return "—" }
        var parts = ["\(e.source)", e.description.isEmpty ? nil : "\"\(e.description)\"", "services \(e.services.names.joined(separator: ","))",
                     e.tcpProxy ? "TCP Proxy on" : nil, e.enabled ? nil : "disabled", "id \(e.id)"].compactMap { $0 }
        if let by = e.by { parts.append("by \(by)") }
        return parts.joined(separator: ", ")
    }

    init(history item: HistoryItem, now: Date) {
        let r = item.record
        var fields = [
            Field("When", Self.time(r.time, now: now)),
            Field("Who", r.uid.map { "\(r.user) (uid \($0))" } ?? r.user),
            Field("Action", r.action),
            Field("State", item.stateWords),
            Field("What", r.detail ?? "—"),
        ]
        if let list = r.list { fields.append(Field("List", list.rawValue)) }
        if let id = r.entryID { fields.append(Field("Entry id", id)) }
        if r.before != nil || r.after != nil {
            fields.append(Field("Before", Self.entryWords(r.before)))
            fields.append(Field("After", Self.entryWords(r.after)))
        }
        if let id = r.id { fields.append(Field("Record", id)) }
        self.init(title: "\(r.action) by \(r.user)", fields: fields)
    }
}

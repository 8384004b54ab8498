
/// What changed between two versions of the lists, in words, for `config-changed` events
/// and the audit log of reloads.
public enum AccessListsDiff {
    public static func describe(from old: AccessLists, to new: AccessLists) -> [String] {
        var lines: [String] = []
        for kind in ListKind.allCases {
            let before = Dictionary(old[kind].map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let after = Dictionary(new[kind].map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for entry in new[kind] where before[entry.id] == nil {
                lines.append("added \(kind.rawValue) \(describe(entry, kind))")
            }
            for entry in old[kind] where after[entry.id] == nil {
                lines.append("removed \(kind.rawValue) \(describe(entry, kind))")
            }
            for entry in new[kind] {
                guard let previous = before[entry.id] else { continue }
                let changes = fieldChanges(previous, entry)
                if !changes.isEmpty { lines.append("changed \(kind.rawValue) \(previous.source) (\(entry.id)): \(changes.joined(separator: ", "))") }
            }
        }
        return lines
    }

    public static func describe(_ entry: AccessEntry, _ kind: ListKind) -> String {
        var text = "\(entry.source) (\(entry.id)) services \(entry.services.names.joined(separator: ","))"
        if kind == .whitelist && entry.tcpProxy { text += " tcp_proxy" }
        if !entry.enabled { text += " disabled" }
        if !entry.description.isEmpty { text += " \"\(entry.description)\"" }
        return text
    }

    public static func fieldChanges(_ a: AccessEntry, _ b: AccessEntry) -> [String] {
        var changes: [String] = []
        if a.source != b.source { changes.append("source \(a.source) → \(b.source)") }
        if a.description != b.description { changes.append("description \"\(a.description)\" → \"\(b.description)\"") }
        if a.services != b.services {
            changes.append("services \(a.services.names.joined(separator: ",")) → \(b.services.names.joined(separator: ","))")
        }
        if a.tcpProxy != b.tcpProxy { changes.append("tcp_proxy \(a.tcpProxy) → \(b.tcpProxy)") }
        if a.enabled != b.enabled { changes.append("enabled \(a.enabled) → \(b.enabled)") }
        return changes
    }
}

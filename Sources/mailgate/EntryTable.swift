import AccessPolicy

/// The plain-text table `list` prints.
enum EntryTable {
    static func render(_ entries: [AccessEntry], kind: ListKind) -> String {
        if entries.isEmpty { return "(no \(kind.rawValue) entries)" }
        let withFlag = kind == .whitelist
        var rows = [["ID", "SOURCE", "SERVICES"] + (withFlag ? ["TCP PROXY"] : []) + ["ENABLED", "DESCRIPTION"]]
        for entry in entries {
            rows.append([entry.id, entry.source.description, entry.services.names.joined(separator: ",")]
                        + (withFlag ? [entry.tcpProxy ? "yes" : "no"] : [])
                        + [entry.enabled ? "yes" : "no", entry.description])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { cell, width in cell.padding(toLength: width, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}

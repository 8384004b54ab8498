import MailgateAPI

/// Open connections grouped by how they entered: through a PROXY header, directly, or
/// still waiting for a header.
struct ConnectionsView {
    var model: ConsoleModel

    static let columns = [
        TableColumn("Service", min: 7, width: 8, keep: 9),
        TableColumn("Peer", min: 18, width: 24, keep: 8),
        TableColumn("Real client", min: 18, width: 24, keep: 7),
        TableColumn("Entry", min: 11, width: 18, flexible: true, keep: 4),
        TableColumn("Age", min: 6, width: 7, alignRight: true, keep: 6),
        TableColumn("In/out", min: 10, width: 12, alignRight: true, keep: 3),
    ]

    func row(_ c: ConnectionSnapshot) -> TableRow {
        let real: String = switch c.state {
        case .relayingProxied: c.realClient.map { "\($0)" } ?? "(health check)"
        case .awaitingHeader: "⧗ waiting"
        case .relayingDirect: "— direct"
        }
        let entry = c.entrySource ?? "— none"
        return .data([c.service, "\(c.peer)", real, entry, Formatting.age(model.now.timeIntervalSince(c.started)),
                      "\(Formatting.bytes(c.bytesFromClient))/\(Formatting.bytes(c.bytesToClient))"],
                     roles: [nil, nil, c.state == .awaitingHeader ? .warning : nil, .dim])
    }

    func render(into buffer: inout CellBuffer, _ rect: Rect) {
        let groups = model.visibleConnections
        let total = groups.proxied.count + groups.direct.count + groups.awaiting.count
        ViewTitle(text: "Connections — \(total) open", filter: model.filter(for: .connections),
                  editing: model.editingFilter).render(into: &buffer, rect)
        var rows: [TableRow] = []
        for (title, list) in [("Proxied (via PROXY header)", groups.proxied), ("Direct", groups.direct),
                              ("Awaiting header", groups.awaiting)] {
            rows.append(.heading("▸ \(title) — \(list.count)"))
            if list.isEmpty { rows.append(.note("none")) }
            rows += list.map(row)
        }
        Table(columns: Self.columns, rows: rows, selected: total > 0 ? model.selectedRow(.connections) : nil)
            .render(into: &buffer, Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1))
    }
}

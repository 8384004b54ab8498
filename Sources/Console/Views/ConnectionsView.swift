import MailgateAPI

/// Open connections grouped by how they entered: through a PROXY header, directly, or
/// still waiting for a header. The counts are those of the connection table, the one source
/// the top bar uses too.
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

    func row(_ c: OpenConnection) -> TableRow {
        let real: String = switch c.state {
        case .relayingProxied: c.realClient ?? "(health check)"
        case .awaitingHeader: "⧗ waiting"
        case .relayingDirect: "— direct"
        }
        let entry = c.entrySource ?? (c.entryID ?? "— none")
        // Bytes are known as of the last full list; a connection opened since has none yet.
        let bytes = c.bytesFromClient.map { "\(Formatting.bytes($0))/\(Formatting.bytes(c.bytesToClient ?? 0))" } ?? "—"
        // Once the link is down, ages are as of the last moment the connection was known open.
        let age = Formatting.age((model.lastLive ?? model.now).timeIntervalSince(c.started))
        return .data([c.service, c.peer, real, entry, age, bytes],
                     roles: [nil, nil, c.state == .awaitingHeader ? .warning : nil, .dim])
    }

    var title: String {
        let table = model.connections
        guard let loaded = table.loadedAt else { return "Connections — \(KnownWords.nothingKnown(model))" }
        var title = "Connections — "
        title += table.filter.isEmpty ? "\(Formatting.count(table.count)) open"
                                      : "\(Formatting.count(table.visibleCount)) of \(Formatting.count(table.count)) match the filter"
        if let lastLive = model.lastLive { title += " · \(KnownWords.asOf(lastLive))" }
        else if table.count > 0 { title += " · in/out as of \(Formatting.clock(loaded))" }
        return title
    }

    func render(into buffer: inout CellBuffer, _ rect: Rect) {
        let table = model.connections
        ViewTitle(text: title, filter: model.filter(for: .connections), editing: model.editingFilter).render(into: &buffer, rect)
        let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        guard table.loadedAt != nil else {
            Table(columns: Self.columns, rows: [.note(KnownWords.nothingKnown(model))], selected: nil).render(into: &buffer, body)
            return
        }
        let lines = ConnectionLines(groups: [("Proxied (via PROXY header)", table.proxied), ("Direct", table.direct),
                                             ("Awaiting header", table.awaiting)], makeRow: row)
        Table(columns: Self.columns, lines: lines, selected: table.visibleCount > 0 ? model.selectedRow(.connections) : nil)
            .render(into: &buffer, body)
    }
}

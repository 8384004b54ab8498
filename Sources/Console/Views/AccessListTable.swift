import AccessPolicy

/// The table both list views share: one row an entry, states in words.
struct AccessListTable {
    var model: ConsoleModel
    var kind: ListKind

    var columns: [TableColumn] {
        var columns = [
            TableColumn("Source", min: 15, width: 22, keep: 9),
            TableColumn("Description", min: 10, width: 20, flexible: true, keep: 6),
            TableColumn("Services", min: 9, width: 16, keep: 7),
        ]
        if kind == .whitelist { columns.append(TableColumn("TCP Proxy", min: 11, width: 13, keep: 8)) }
        columns += [
            TableColumn("State", min: 8, width: 8, keep: 5),
            TableColumn("Changed by", min: 8, width: 12, keep: 2),
            TableColumn("Id", min: 9, width: 9, keep: 1),
        ]
        return columns
    }

    func pending(_ entry: AccessEntry) -> Bool {
        model.pendingChanges.contains { $0.list == kind && $0.entryID == entry.id }
    }

    func proxyCell(_ entry: AccessEntry) -> (String, ColorRole?) {
        if pending(entry) { return (entry.tcpProxy ? "⚠ ON pending" : "⚠ off pending", .warning) }
        return entry.tcpProxy ? ("✓ ON", .warning) : ("off", .dim)
    }

    func render(into buffer: inout CellBuffer, _ rect: Rect) {
        let view: ConsoleView = kind == .whitelist ? .whitelist : .blacklist
        let entries = model.visibleEntries(kind)
        let all = (kind == .whitelist ? model.whitelist : model.blacklist)
        guard all != nil else {
            // Never loaded: an empty table here would claim an empty list.
            ViewTitle(text: "\(view.title) — \(KnownWords.nothingKnown(model))", filter: model.filter(for: view),
                      editing: model.editingFilter).render(into: &buffer, rect)
            Table(columns: columns, rows: [.note(KnownWords.nothingKnown(model))], selected: nil)
                .render(into: &buffer, Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1))
            return
        }
        var title = "\(view.title) — \(entries.count) of \(all?.entries.count ?? 0) entr\(entries.count == 1 && all?.entries.count == 1 ? "y" : "ies")"
        if let lastLive = model.lastLive { title += " · \(KnownWords.asOf(lastLive)), no edits" }
        else {
            if let revision = all?.revision { title += " · revision \(revision)" }
            if model.readonly { title += " · read-only" }
        }
        ViewTitle(text: title, filter: model.filter(for: view), editing: model.editingFilter).render(into: &buffer, rect)
        var rows: [TableRow] = entries.map { entry in
            var cells = ["\(entry.source)", entry.description, entry.services.names.joined(separator: ",")]
            var roles: [ColorRole?] = [nil, nil, nil]
            if kind == .whitelist {
                let (text, role) = proxyCell(entry)
                cells.append(text)
                roles.append(role)
            }
            let state = entry.enabled ? "enabled" : "disabled"
            cells += [kind == .blacklist && pending(entry) ? "⚠ " + state : state, entry.by ?? "—", entry.id]
            roles += [kind == .blacklist && pending(entry) ? .warning : entry.enabled ? nil : .dim, .dim, .dim]
            return .data(cells, roles: roles)
        }
        if rows.isEmpty {
            rows = [.note(model.filter(for: view).isEmpty ? "the \(kind.rawValue) is empty\(model.readonly || !model.canEdit ? "" : "; n adds an entry")"
                                                          : "no entries match the filter")]
        }
        Table(columns: columns, rows: rows, selected: entries.isEmpty ? nil : model.selectedRow(view))
            .render(into: &buffer, Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1))
    }
}

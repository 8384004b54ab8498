/// Every key, from the actions table (without the hidden ones in --readonly).
struct HelpView {
    var model: ConsoleModel

    static let columns = [
        TableColumn("Keys", min: 12, width: 13, keep: 9),
        TableColumn("Action", min: 30, width: 60, flexible: true, keep: 8),
        TableColumn("Where", min: 10, width: 16, keep: 5),
    ]

    func render(into buffer: inout CellBuffer, _ rect: Rect) {
        var title = "Help — keys"
        if model.readonly { title += " (read-only: keys that change anything are hidden)" }
        buffer.write(title, x: rect.x, y: rect.y, role: .heading, maxX: rect.maxX)
        let rows: [TableRow] = KeyActions.available(readonly: model.readonly).map { action in
            var what = action.description
            if action.dangerous { what += " ⚠" }
            return .data([action.keys.map(\.label).joined(separator: " "), what, action.scopeWords],
                         roles: [.footerKey, nil, .dim])
        }
        Table(columns: Self.columns, rows: rows, selected: model.selectedRow(.help))
            .render(into: &buffer, Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 2))
        buffer.write("⚠ asks first · states have words or glyphs, not colour alone · ?/Esc: back",
                     x: rect.x, y: rect.maxY - 1, role: .dim, maxX: rect.maxX)
    }
}

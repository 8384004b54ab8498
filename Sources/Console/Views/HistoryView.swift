import Foundation

/// The audit log, newest first: when, who (the local user from the socket), what, and where
/// each change stands — pending, confirmed, undone, reverted automatically; reloads of hand
/// edits too. `u` proposes the inverse of the selected change.
struct HistoryView {
    var model: ConsoleModel

    static let columns = [
        TableColumn("When", min: 11, width: 11, keep: 8),
        TableColumn("Who", min: 6, width: 10, keep: 6),
        TableColumn("Action", min: 18, width: 18, keep: 7),
        TableColumn("State", min: 15, width: 15, keep: 9),
        TableColumn("What", min: 20, width: 50, flexible: true, keep: 5),
    ]

    /// The clock within a day, else the day and the minute.
    func when(_ time: Date) -> String {
        if abs(model.now.timeIntervalSince(time)) < 86_400 { return Formatting.clock(time) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.month, .day, .hour, .minute], from: time)
        return String(format: "%02d-%02d %02d:%02d", c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    func render(into buffer: inout CellBuffer, _ rect: Rect) {
        let items = model.historyItems
        var title = "History — \(items.count) audit record\(items.count == 1 ? "" : "s"), newest first"
        if !model.readonly && !items.isEmpty { title += " (u: undo the selected)" }
        ViewTitle(text: title, filter: "", editing: false).render(into: &buffer, rect)
        var rows: [TableRow] = items.map { item in
            let role: ColorRole? = switch item.state {
            case .pending, .autoReverted: .warning
            case .confirmed: .good
            case .note: .dim
            default: nil
            }
            return .data([when(item.record.time), item.record.user, item.record.action, item.stateWords,
                          item.record.detail ?? ""], roles: [.dim, nil, nil, role, nil])
        }
        if rows.isEmpty { rows = [.note("no audit records yet: every change to the lists is recorded here, with who made it")] }
        Table(columns: Self.columns, rows: rows, selected: items.isEmpty ? nil : model.selectedRow(.history))
            .render(into: &buffer, Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1))
    }
}

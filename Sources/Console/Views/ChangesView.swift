import Foundation

/// Every change waiting for confirmation, soonest revert first, each with its countdown;
/// `c` confirms and `u` undoes the selected one.
struct ChangesView {
    var model: ConsoleModel

    static let columns = [
        TableColumn("Reverts in", min: 10, width: 11, alignRight: true, keep: 9),
        TableColumn("Change", min: 30, width: 60, flexible: true, keep: 8),
        TableColumn("By", min: 6, width: 10, keep: 5),
        TableColumn("ID", min: 8, width: 19, keep: 3),
    ]

    func render(into buffer: inout CellBuffer, _ rect: Rect) {
        let changes = model.pendingChanges
        guard model.status != nil else {
            ViewTitle(text: "Changes — \(KnownWords.nothingKnown(model))", filter: "", editing: false).render(into: &buffer, rect)
            Table(columns: Self.columns, rows: [.note(KnownWords.nothingKnown(model))], selected: nil)
                .render(into: &buffer, Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1))
            return
        }
        var title = "Changes — \(changes.count) pending, each reverts itself at its deadline unless confirmed"
        if let lastLive = model.lastLive { title = "Changes — \(changes.count) pending · \(KnownWords.asOf(lastLive))" }
        else if !model.readonly && !changes.isEmpty { title += " (c: confirm, u: undo the selected)" }
        ViewTitle(text: title, filter: "", editing: false).render(into: &buffer, rect)
        var rows: [TableRow] = changes.map { change in
            let left = change.deadline.timeIntervalSince(model.now)
            return .data([left > 0 ? Formatting.countdown(left) + " left" : "reverting", change.summary, change.by ?? "", change.id],
                         roles: [.warning, nil, .dim, .dim])
        }
        if rows.isEmpty { rows = [.note("no change is pending: changes that could cut clients off wait here for c (confirm) or u (undo)")] }
        Table(columns: Self.columns, rows: rows, selected: changes.isEmpty ? nil : model.selectedRow(.changes))
            .render(into: &buffer, Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1))
    }
}

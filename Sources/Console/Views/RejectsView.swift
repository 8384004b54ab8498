import Foundation

/// Refused connections, newest first, one line per source and reason, with a count and
/// the rate over the last minute. The reason is always written out.
struct RejectsView {
    var model: ConsoleModel

    static let columns = [
        TableColumn("Ago", min: 6, width: 7, alignRight: true, keep: 6),
        TableColumn("Source", min: 15, width: 24, keep: 9),
        TableColumn("Reason", min: 36, width: 36, keep: 8),
        TableColumn("Services", min: 6, width: 14, flexible: true, keep: 3),
        TableColumn("Count", min: 5, width: 7, alignRight: true, keep: 7),
        TableColumn("/min", min: 4, width: 5, alignRight: true, keep: 5),
    ]

    func render(into buffer: inout CellBuffer, _ rect: Rect) {
        let rejects = model.visibleRejects
        let total = rejects.reduce(0) { $0 + $1.count }
        var title = "Rejects — \(Formatting.count(total)) from \(rejects.count) source/reason pair\(rejects.count == 1 ? "" : "s"), newest first (re-sorted every \(Int(RejectActivity.resortSeconds)) s)"
        if model.paused { title += " (paused: \(model.heldEvents.count) new held)" }
        ViewTitle(text: title, filter: model.filter(for: .rejects), editing: model.editingFilter).render(into: &buffer, rect)
        let rate = RejectRatePanel(activity: model.rejectActivity, now: model.now)
        rate.render(into: &buffer, Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rate.height))
        let top = 1 + rate.height
        var rows: [TableRow] = rejects.map { r in
            .data([Formatting.age(model.now.timeIntervalSince(r.lastSeen)), r.source, "✗ " + r.reason.rawValue,
                   r.services.joined(separator: ","), Formatting.count(r.count), "\(r.perMinute(now: model.now))"],
                  roles: [.dim, nil, .bad])
        }
        if rows.isEmpty { rows = [.note(model.filter(for: .rejects).isEmpty ? "no rejects yet" : "no rejects match the filter")] }
        Table(columns: Self.columns, rows: rows, selected: rejects.isEmpty ? nil : model.selectedRow(.rejects))
            .render(into: &buffer, Rect(x: rect.x, y: rect.y + top, width: rect.width, height: rect.height - top))
    }
}

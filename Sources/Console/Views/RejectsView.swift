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

    /// What the counts cover: the events the console holds, from the oldest of them on.
    var title: String {
        let all = model.rejects
        let shown = model.visibleRejects
        var title = "Rejects"
        if let from = model.eventsCoverFrom { title += " since \(Formatting.clock(from))" }
        let total = shown.reduce(0) { $0 + $1.count }
        if model.filter(for: .rejects).isEmpty {
            title += " — \(Formatting.count(total)) from \(shown.count) source/reason pair\(shown.count == 1 ? "" : "s"), newest first"
        } else {
            title += " — \(Formatting.count(total)) in \(shown.count) of \(all.count) source/reason pairs match the filter"
        }
        if model.paused { title += " (paused: \(Formatting.count(model.heldRejects)) new held)" }
        if let lastLive = model.lastLive { title += " · \(KnownWords.asOf(lastLive))" }
        return title
    }

    func row(_ r: RejectSummary) -> TableRow {
        .data([Formatting.age(model.now.timeIntervalSince(r.lastSeen)), r.source, "✗ " + r.reason.rawValue,
               r.services.joined(separator: ","), Formatting.count(r.count), "\(r.perMinute(now: model.lastLive ?? model.now))"],
              roles: [.dim, nil, .bad])
    }

    func render(into buffer: inout CellBuffer, _ rect: Rect) {
        guard model.isLive || model.knowsAnything else {
            let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
            ViewTitle(text: "Rejects — \(KnownWords.nothingKnown(model))", filter: model.filter(for: .rejects),
                      editing: model.editingFilter).render(into: &buffer, rect)
            Table(columns: Self.columns, rows: [.note(KnownWords.nothingKnown(model))], selected: nil).render(into: &buffer, body)
            return
        }
        ViewTitle(text: title, filter: model.filter(for: .rejects), editing: model.editingFilter).render(into: &buffer, rect)
        let rate = RejectRatePanel(activity: model.rejectActivity, now: model.lastLive ?? model.now)
        rate.render(into: &buffer, Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rate.height))
        let top = 1 + rate.height
        let body = Rect(x: rect.x, y: rect.y + top, width: rect.width, height: rect.height - top)
        let rejects = model.visibleRejects
        if rejects.isEmpty {
            let note = model.filter(for: .rejects).isEmpty ? "no rejects yet" : "no rejects match the filter"
            Table(columns: Self.columns, rows: [.note(note)], selected: nil).render(into: &buffer, body)
            return
        }
        Table(columns: Self.columns, lines: DataLines(count: rejects.count) { self.row(rejects[$0]) },
              selected: model.selectedRow(.rejects)).render(into: &buffer, body)
    }
}

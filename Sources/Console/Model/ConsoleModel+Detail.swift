import AccessPolicy
import MailgateAPI

/// Enter on a row opens its detail panel; Esc (or Enter, q) closes it; `e` edits the entry
/// behind it when the console may change anything.
extension ConsoleModel {
    /// The panel for the selected row of the current view, or nil when nothing is selected.
    public func detailForSelection() -> DetailPanel? {
        let row = selectedRow(view)
        func pick<T>(_ items: [T]) -> T? { items.indices.contains(row) ? items[row] : nil }
        switch view {
        case .connections: return connections.visible(at: row).map { DetailPanel(connection: $0, now: now) }
        case .rejects: return pick(visibleRejects).map { DetailPanel(reject: $0, now: now) }
        case .whitelist, .blacklist:
            guard let kind = view.list, let entry = selectedEntry(kind) else { return nil }
            return DetailPanel(entry: entry, list: kind, pending: pendingChanges, now: now)
        case .changes: return pick(pendingChanges).map { DetailPanel(change: $0, now: now) }
        case .history: return pick(historyItems).map { DetailPanel(history: $0, now: now) }
        case .help: return nil
        }
    }

    mutating func handleDetail(_ key: Key, _ panel: DetailPanel) -> [ConsoleCommand] {
        var panel = panel
        switch key {
        case .escape, .enter, .character("q"):
            overlay = nil
            return []
        case .character("j"), .down: panel.scroll += 1
        case .character("k"), .up: panel.scroll = max(0, panel.scroll - 1)
        case .pageDown: panel.scroll += pageSize
        case .pageUp: panel.scroll = max(0, panel.scroll - pageSize)
        case .character("g"), .home: panel.scroll = 0
        case .character("e"):
            guard !readonly, let ref = panel.entry,
                  let entry = ((ref.list == .whitelist ? whitelist : blacklist)?.entries ?? []).first(where: { $0.id == ref.entryID })
            else { return [] }
            overlay = .form(EntryForm(list: ref.list, entry: entry, knownServices: knownServices))
            return []
        default: return []
        }
        overlay = .detail(panel)
        return []
    }
}

import AccessPolicy
import MailgateAPI
import Foundation

/// The History view: the audit log, newest first; `u` on a change proposes its inverse (what
/// the daemon's own revert computes, `Undo`) as a new change, asked first and then through
/// the impact dialog like any other risky write. On a pending change `u` reverts it.
extension ConsoleModel {
    /// The records from `GET /v1/audit` (oldest first); replaces what was shown.
    public mutating func apply(audit records: [AuditRecord]) {
        audit = records
        clampSelection()
    }

    public var historyItems: [HistoryItem] { HistoryItem.items(audit, pending: pendingChanges) }

    public var selectedHistoryItem: HistoryItem? {
        let items = historyItems
        let row = selectedRow(.history)
        return items.indices.contains(row) ? items[row] : nil
    }

    /// The write that undoes a recorded change on the lists as they are now, with the words of what it does.
    public func inverse(of record: AuditRecord) -> (write: ListWrite, words: String)? {
        guard let kind = record.list, record.before != nil || record.after != nil else { return nil }
        let lists = AccessLists(whitelist: whitelist?.entries ?? [], blacklist: blacklist?.entries ?? [])
        let undo = Undo.of(list: kind, before: record.before, after: record.after, in: lists, by: "you", now: now)
        guard undo.lists != nil else { return nil }
        func draft(_ e: AccessEntry) -> EntryDraft {
            EntryDraft(source: "\(e.source)", description: e.description, services: e.services.names, tcpProxy: e.tcpProxy, enabled: e.enabled)
        }
        let action: ListWrite.Action
        switch (undo.entryBefore, undo.entryAfter) {
        case (nil, let restored?): action = .add(draft(restored))
        case (let current?, nil): action = .remove(entryID: current.id)
        case (let current?, let restored?): action = .update(entryID: current.id, draft(restored))
        case (nil, nil): return nil
        }
        let source = "\((undo.entryAfter ?? undo.entryBefore)!.source)"
        return (ListWrite(list: kind, action: action, revision: revision(of: kind), source: source), undo.words)
    }

    mutating func undoSelectedRecord() -> [ConsoleCommand] {
        guard let item = selectedHistoryItem else { return [] }
        if case .pending(let id) = item.state { return [.revertChange(id: id)] }
        guard let record = Optional(item.record), record.list != nil, record.before != nil || record.after != nil else {
            notice = Notice(text: "Nothing to undo: a \(item.record.action) record changes no entry.", isError: false)
            return []
        }
        guard let inverse = inverse(of: record) else {
            let lists = AccessLists(whitelist: whitelist?.entries ?? [], blacklist: blacklist?.entries ?? [])
            let words = Undo.of(list: record.list!, before: record.before, after: record.after, in: lists, by: "you", now: now).words
            notice = Notice(text: "Nothing to undo: \(words).", isError: false)
            return []
        }
        overlay = .confirm(ConfirmDialog(
            title: "Undo this change?",
            lines: ["\(record.user) at \(Formatting.clock(record.time)): \(record.detail ?? record.action)",
                    "The inverse, as a new change: \(inverse.words).",
                    "If that could cut clients off, the impact warning comes next, and the change reverts itself unless confirmed."],
            confirmLabel: "Propose", command: .write(inverse.write)))
        return []
    }
}

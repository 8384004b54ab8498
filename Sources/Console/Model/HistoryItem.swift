import AccessPolicy
import MailgateAPI
import Foundation

/// One audit record as the History view shows it: who did what and when, and where the
/// change stands now — pending, confirmed, undone, reverted automatically — worked out from
/// the later records and the pending changes. Pure.
public struct HistoryItem: Hashable, Sendable {
    public enum State: Hashable, Sendable {
        /// A write applied at once (nothing to confirm).
        case applied
        /// A risky write waiting for confirmation (the pending change's id).
        case pending(String)
        case confirmed
        case undone
        case autoReverted
        /// A pending write whose end the log does not show (older than the records fetched).
        case settled
        /// Not a write of an entry: a confirmation, a revert, a reload, a repair.
        case note
    }

    public var record: AuditRecord
    public var state: State

    /// The pending change a write started: the record's `change`, or for a record written
    /// before that field existed, the id its detail names ("…; pending change ID reverts at …").
    static func pendingChangeID(_ record: AuditRecord) -> String? {
        if let change = record.change { return change }
        guard let detail = record.detail, let range = detail.range(of: "pending change ") else { return nil }
        let id = detail[range.upperBound...].prefix { !$0.isWhitespace }
        return id.isEmpty ? nil : String(id)
    }

    /// Whether the record wrote an entry (an add, update or remove of a list).
    static func isEntryWrite(_ record: AuditRecord) -> Bool {
        guard let list = record.list else { return false }
        return record.action.hasPrefix("\(list.rawValue).")
    }

    /// The items, newest first.
    public static func items(_ records: [AuditRecord], pending: [PendingChangeInfo]) -> [HistoryItem] {
        // How each pending change ended, from the confirm and revert records.
        var ends: [String: State] = [:]
        for record in records {
            let detail = record.detail ?? ""
            switch record.action {
            case "change.confirm":
                // Records from before the `change` field name the change in their detail only.
                if let change = record.change { ends[change] = .confirmed }
                else if detail.hasPrefix("confirmed ") { ends[String(detail.dropFirst(10).prefix { $0 != ":" })] = .confirmed }
            case "change.revert", "change.auto-revert":
                ends[record.change ?? String(detail.prefix { !$0.isWhitespace })] = record.action == "change.revert" ? .undone : .autoReverted
            default: break
            }
        }
        let open = Set(pending.filter { $0.state == .pending }.map(\.id))
        return records.reversed().map { record in
            guard isEntryWrite(record) else { return HistoryItem(record: record, state: .note) }
            guard let change = pendingChangeID(record) else { return HistoryItem(record: record, state: .applied) }
            if open.contains(change) { return HistoryItem(record: record, state: .pending(change)) }
            return HistoryItem(record: record, state: ends[change] ?? .settled)
        }
    }

    public var stateWords: String {
        switch state {
        case .applied: "applied"
        case .pending: "⚠ pending"
        case .confirmed: "✓ confirmed"
        case .undone: "↶ undone"
        case .autoReverted: "↶ auto-reverted"
        case .settled: "settled"
        case .note: "—"
        }
    }
}

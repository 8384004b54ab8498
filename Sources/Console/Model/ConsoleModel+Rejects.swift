import AccessPolicy
import Foundation
import MailgateAPI

/// The Rejects view's rows and rate: a reject updates its row where it stands (a new source
/// and reason is appended), the rate buckets count it, and rows are sorted newest first at
/// most every few seconds, the selection staying on the row it was on.
extension ConsoleModel {
    mutating func recordReject(_ event: GateEvent) {
        guard let key = RejectSummary.key(of: event) else { return }
        if now.timeIntervalSince(event.time) < Double(RejectActivity.windowSeconds) { rejectActivity.record(key.reason, at: event.time) }
        // A flood from one source hits the same row again and again: look there first.
        let index = lastRejectRow.flatMap { rejects.indices.contains($0) && rejects[$0].source == key.source && rejects[$0].reason == key.reason ? $0 : nil }
            ?? rejects.firstIndex(where: { $0.source == key.source && $0.reason == key.reason })
        if let index {
            rejects[index].count += 1
            rejects[index].lastSeen = max(rejects[index].lastSeen, event.time)
            rejects[index].firstSeen = min(rejects[index].firstSeen, event.time)
            rejects[index].recent.record(event.time)
            if let service = event.service, !rejects[index].services.contains(service) { rejects[index].services.append(service) }
            lastRejectRow = index
        } else {
            var summary = RejectSummary(source: key.source, reason: key.reason, services: event.service.map { [$0] } ?? [],
                                        count: 1, firstSeen: event.time, lastSeen: event.time)
            summary.recent.record(event.time)
            rejects.append(summary)
            lastRejectRow = rejects.count - 1
        }
    }

    /// Sorts the rows newest first now, keeping the selected row selected.
    mutating func resortRejects() {
        let visible = visibleRejects
        let row = selectedRow(.rejects)
        let selected = visible.indices.contains(row) ? visible[row] : nil
        rejects.sort { $0.lastSeen > $1.lastSeen || ($0.lastSeen == $1.lastSeen && ($0.source, $0.reason.rawValue) < ($1.source, $1.reason.rawValue)) }
        rejectActivity.sortedAt = now
        if let selected, selection[.rejects] != nil,
           let index = visibleRejects.firstIndex(where: { $0.source == selected.source && $0.reason == selected.reason }) {
            selection[.rejects] = index
        }
    }

    /// The tick's part: forget old rate buckets, and sort when the last sort is old enough.
    mutating func tickRejects() {
        rejectActivity.forget(before: now)
        if let sorted = rejectActivity.sortedAt, now.timeIntervalSince(sorted) < RejectActivity.resortSeconds, sorted <= now { return }
        resortRejects()
    }

    public var selectedReject: RejectSummary? {
        let visible = visibleRejects
        let row = selectedRow(.rejects)
        return visible.indices.contains(row) ? visible[row] : nil
    }

    /// The live lists as the gate's policy sees them.
    var policy: AccessPolicy {
        AccessPolicy(lists: AccessLists(whitelist: whitelist?.entries ?? [], blacklist: blacklist?.entries ?? []),
                     services: knownServices)
    }
}

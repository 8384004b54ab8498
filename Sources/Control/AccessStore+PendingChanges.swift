import AccessPolicy
import Foundation
import Gate

/// Pending `tcp_proxy` changes: started by an acknowledged write, reverted by their timer
/// unless confirmed, or settled by hand (`/v1/changes/{id}/confirm|revert`). The pending ones
/// are kept in `PendingChangesFile` too, and resumed when the daemon starts again.
extension AccessStore {
    func startPendingChange(for entry: AccessEntry, kind: ListKind, by caller: Caller, now: Date,
                                    state: inout State) -> PendingChangeInfo {
        let revertAfter = configuration.control.revertAfter
        let seconds = Double(revertAfter.components.seconds) + Double(revertAfter.components.attoseconds) / 1e18
        let id = "ch" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let info = PendingChangeInfo(id: id, list: kind, entryID: entry.id, source: entry.source.description,
                                     summary: "tcp_proxy on for \(entry.source) (\(TCPProxyWarning.scope(of: entry, services: services)))",
                                     by: caller.name, created: now, deadline: now.addingTimeInterval(seconds), state: .pending, outcome: nil)
        state.changes.append(PendingChange(info: info, applied: entry, timer: scheduleRevert(id, after: revertAfter)))
        persistPending(state)
        return info
    }

    private func scheduleRevert(_ id: String, after delay: Duration) -> Task<Void, Never> {
        Task { [weak self] in
            do { try await Task.sleep(for: delay) } catch { return }
            self?.expire(id)
        }
    }

    /// Takes up the changes that were pending when the daemon last stopped: each one's
    /// countdown goes on to its original deadline, and one whose deadline passed meanwhile is
    /// reverted now.
    func resumePendingChanges() {
        let records: [PendingChangesFile.Record]
        do {
            records = try pendingFile.load()
        } catch {
            gate.logger.error("\(error). tcp_proxy changes pending before the restart are not resumed: check the flags with `mailgate whitelist list`")
            return
        }
        let now = Date()
        state.withLock { state in
            for record in records where record.change.state == .pending {
                state.changes.append(PendingChange(info: record.change, applied: record.applied, timer: nil))
            }
            for record in records where record.change.state == .pending {
                guard let index = state.changes.firstIndex(where: { $0.info.id == record.change.id }) else { continue }
                let remaining = record.change.deadline.timeIntervalSince(now)
                if remaining > 0 {
                    state.changes[index].timer = scheduleRevert(record.change.id, after: .milliseconds(Int64(remaining * 1000)))
                    gate.logger.notice("change \(record.change.id) (\(record.change.summary)) is still pending after a restart: it reverts at \(Self.timeText(record.change.deadline)) unless confirmed")
                } else {
                    gate.logger.notice("change \(record.change.id) (\(record.change.summary)) passed its deadline while the daemon was stopped: reverting it now")
                    revert(at: index, by: .daemon, action: "change.auto-revert", state: &state)
                }
            }
        }
    }

    /// Writes the pending changes to their file (or removes it when none is pending).
    func persistPending(_ state: State) {
        let records = state.changes.filter { $0.info.state == .pending }
            .map { PendingChangesFile.Record(change: $0.info, applied: $0.applied) }
        do {
            try pendingFile.save(records)
        } catch {
            gate.logger.error("could not keep the pending changes in \(pendingFile.path): \(error). If the daemon restarts now, they are not reverted")
        }
    }

    private func expire(_ id: String) {
        state.withLock { state in
            guard let index = state.changes.firstIndex(where: { $0.info.id == id }), state.changes[index].info.state == .pending else { return }
            revert(at: index, by: .daemon, action: "change.auto-revert", state: &state)
        }
    }

    public func confirm(_ id: String, by caller: Caller) throws(APIError) -> PendingChangeInfo {
        try state.withLock { state throws(APIError) -> PendingChangeInfo in
            let index = try pendingIndex(id, state)
            state.changes[index].timer?.cancel()
            state.changes[index].timer = nil
            state.changes[index].info.state = .confirmed
            state.changes[index].info.outcome = "confirmed by \(caller.name)"
            let info = state.changes[index].info
            persistPending(state)
            gate.record(GateEvent(kind: .configChanged, entryID: info.entryID,
                                  detail: "by \(caller.name): confirmed change \(id) (\(info.summary)); it stays"))
            appendAudit(AuditRecord(time: Date(), user: caller.name, uid: caller.uid, action: "change.confirm", list: info.list,
                                    entryID: info.entryID, before: nil, after: nil, detail: "confirmed \(id): \(info.summary)"))
            trimResolved(&state)
            return info
        }
    }

    public func revert(_ id: String, by caller: Caller) throws(APIError) -> PendingChangeInfo {
        try state.withLock { state throws(APIError) -> PendingChangeInfo in
            let index = try pendingIndex(id, state)
            return revert(at: index, by: caller, action: "change.revert", state: &state)
        }
    }

    private func pendingIndex(_ id: String, _ state: State) throws(APIError) -> Int {
        guard let index = state.changes.firstIndex(where: { $0.info.id == id }) else {
            throw APIError.notFound("no change \"\(id)\" (GET /v1/changes lists them)")
        }
        let info = state.changes[index].info
        guard info.state == .pending else {
            throw APIError(status: 409, code: "change-not-pending", message: "change \(id) is already \(info.state.rawValue): \(info.outcome ?? "")")
        }
        return index
    }

    /// Turns `tcp_proxy` off again on the change's entry — only that flag, whatever else
    /// was edited since — and records `change-reverted`.
    @discardableResult
    private func revert(at index: Int, by caller: Caller, action: String, state: inout State) -> PendingChangeInfo {
        state.changes[index].timer?.cancel()
        state.changes[index].timer = nil
        var info = state.changes[index].info
        // A hand edit not yet noticed is taken into account; an invalid one is overwritten (safety first).
        try? pickUpDiskChanges(&state, trigger: "changed on disk")
        let now = Date()
        var outcome: String
        var before: AccessEntry?
        var after: AccessEntry?
        if let position = state.lists[info.list].firstIndex(where: { $0.id == info.entryID }) {
            let entry = state.lists[info.list][position]
            if !entry.tcpProxy {
                outcome = "tcp_proxy was already off on \(entry.source); nothing to revert"
            } else {
                var lists = state.lists
                lists[info.list][position].tcpProxy = false
                lists[info.list][position].updated = now
                lists[info.list][position].by = caller.name
                do {
                    try save(lists, into: &state)
                    before = entry
                    after = lists[info.list][position]
                    outcome = "tcp_proxy turned off again on \(entry.source)"
                    if !Self.sameSettings(entry, state.changes[index].applied) {
                        outcome += " (the entry was edited since; only tcp_proxy was reverted)"
                    }
                } catch {
                    outcome = "could not revert: \(error.message)"
                }
            }
        } else {
            outcome = "the entry \(info.entryID) (\(info.source)) was deleted since; nothing to revert"
        }
        let how = action == "change.auto-revert" ? "not confirmed within \(configuration.control.revertAfter.configText)" : "reverted by \(caller.name)"
        info.state = .reverted
        info.outcome = "\(how): \(outcome)"
        state.changes[index].info = info
        persistPending(state)
        gate.logger.notice("change \(info.id) \(info.outcome!)")
        gate.record(GateEvent(kind: .changeReverted, entryID: info.entryID, detail: "change \(info.id) \(info.outcome!)"))
        appendAudit(AuditRecord(time: now, user: caller.name, uid: caller.uid, action: action, list: info.list,
                                entryID: info.entryID, before: before, after: after, detail: "\(info.id): \(info.outcome!)"))
        trimResolved(&state)
        return info
    }

    /// The same settings, whatever the timestamps say: an entry read back from the access file
    /// or the pending-changes file after a restart keeps whole seconds only.
    static func sameSettings(_ a: AccessEntry, _ b: AccessEntry) -> Bool {
        a.id == b.id && a.source == b.source && a.description == b.description && a.services == b.services
            && a.tcpProxy == b.tcpProxy && a.enabled == b.enabled
    }

    private func trimResolved(_ state: inout State) {
        let resolved = state.changes.filter { $0.info.state != .pending }.count
        var excess = resolved - Self.keptResolvedChanges
        guard excess > 0 else { return }
        state.changes.removeAll { change in
            guard excess > 0, change.info.state != .pending else { return false }
            excess -= 1
            return true
        }
    }
}

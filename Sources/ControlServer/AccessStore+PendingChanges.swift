import AccessPolicy
import Foundation
import Gate
import MailgateAPI

/// Pending changes: started by an acknowledged write that could cut clients off, reverted by
/// their timer unless confirmed, or settled by hand (`/v1/changes/{id}/confirm|revert`).
/// Several may be pending at once, each with its own deadline. They are kept in the store's
/// journal and resumed when the daemon starts again.
extension AccessStore {
    func scheduleRevert(_ id: String, after delay: Duration) -> Task<Void, Never> {
        Task { [weak self] in
            do { try await Task.sleep(for: delay) } catch { return }
            self?.expire(id)
        }
    }

    /// Takes up the changes that were pending when the daemon last stopped: each one's
    /// countdown goes on to its original deadline, and one whose deadline passed meanwhile is
    /// reverted now.
    func resumePendingChanges() {
        let records: [StoreJournal.Record]
        do {
            records = try journal.load().pending
        } catch {
            return  // `recover` has said what is wrong with the journal
        }
        let now = Date()
        state.withLock { state in
            for record in records where record.change.state == .pending {
                state.changes.append(PendingChange(info: record.change, before: record.before, after: record.after, timer: nil))
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

    private func expire(_ id: String) {
        state.withLock { state in
            guard let index = state.changes.firstIndex(where: { $0.info.id == id }), state.changes[index].info.state == .pending else { return }
            revert(at: index, by: .daemon, action: "change.auto-revert", state: &state)
        }
    }

    public func confirm(_ id: String, by caller: Caller) throws(APIError) -> PendingChangeInfo {
        try state.withLock { state throws(APIError) -> PendingChangeInfo in
            let index = try pendingIndex(id, state)
            let info = state.changes[index].info
            let record = AuditRecord(id: Self.newID("a"), time: Date(), user: caller.name, uid: caller.uid, action: "change.confirm",
                                     list: info.list, entryID: info.entryID, before: nil, after: nil,
                                     detail: "confirmed \(id): \(info.summary)", change: id)
            try commit(Commit(lists: nil, audit: record, starts: nil, settles: [id: (.confirmed, "confirmed by \(caller.name)")]), into: &state)
            gate.record(ControlEvent(kind: .configChanged, entryID: info.entryID,
                                  detail: "by \(caller.name): confirmed change \(id) (\(info.summary)); it stays"))
            return state.changes.first { $0.info.id == id }?.info ?? info
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

    /// Undoes what the change did — the fields it changed, or the whole entry for an add or a
    /// removal — and leaves later edits alone (a field changed again since keeps its newer
    /// value, and the outcome says so). Records `change-reverted`.
    @discardableResult
    func revert(at index: Int, by caller: Caller, action: String, state: inout State) -> PendingChangeInfo {
        let change = state.changes[index]
        let id = change.info.id
        do {
            try pickUpDiskChanges(&state, trigger: "changed on disk")
        } catch {
            keepHandEditAside(reason: error, change: id)
        }
        let now = Date()
        let undo = Undo.of(list: change.info.list, before: change.before, after: change.after, in: state.lists, by: caller.name, now: now)
        let how = action == "change.auto-revert" ? "not confirmed within \(configuration.control.revertAfter.configText)" : "reverted by \(caller.name)"
        let outcome = "\(how): \(undo.words)"
        let record = AuditRecord(id: Self.newID("a"), time: now, user: caller.name, uid: caller.uid, action: action,
                                 list: change.info.list, entryID: change.info.entryID, before: undo.entryBefore, after: undo.entryAfter,
                                 detail: "\(id) (\(change.info.summary)): \(outcome)", change: id)
        do {
            try commit(Commit(lists: undo.lists, audit: record, starts: nil, settles: [id: (.reverted, outcome)]), into: &state)
        } catch {
            gate.logger.error("change \(id) could not be reverted: \(error.message). It stays pending; trying again in 5 s")
            state.changes[index].timer?.cancel()
            state.changes[index].timer = scheduleRevert(id, after: .seconds(5))
            return state.changes[index].info
        }
        let info = state.changes.first { $0.info.id == id }?.info ?? change.info
        gate.logger.notice("change \(id) (\(change.info.summary)) \(outcome)")
        gate.record(ControlEvent(kind: .changeReverted, entryID: change.info.entryID, detail: "change \(id) (\(change.info.summary)) \(outcome)"))
        return info
    }

    /// The access file on disk is an invalid hand edit and a revert must be written: the
    /// admin's file is kept beside it under a clear name first, and everyone is told.
    private func keepHandEditAside(reason: APIError, change id: String) {
        guard let bytes = FileManager.default.contents(atPath: path) else { return }
        let stamp = Date().formatted(.iso8601).replacingOccurrences(of: ":", with: "")
        let kept = "\(path).hand-edit-\(stamp)"
        do {
            try AtomicFile.write(String(decoding: bytes, as: UTF8.self), to: kept)
        } catch {
            gate.logger.error("could not keep the invalid hand edit of \(path) in \(kept): \(error)")
            return
        }
        let words = "the access file \(path) held an invalid hand edit when change \(id) had to be reverted: your edit is kept in \(kept), and the revert was written over the last good lists. Fix the kept file (mailgate check) and move it back"
        gate.logger.error("\(words)\n\(reason.message)")
        gate.record(ControlEvent(kind: .configChanged, detail: words))
        appendAudit(AuditRecord(id: Self.newID("a"), time: Date(), user: Caller.daemon.name, uid: nil, action: "hand-edit.kept",
                                list: nil, entryID: nil, before: nil, after: nil, detail: words))
    }
}

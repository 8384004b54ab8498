import AccessPolicy
import Foundation
import Gate
import MailgateAPI

/// How a change reaches the disk so that a crash at any instant loses nothing:
///
/// 1. the journal records the intent: the revision before and after, the audit record, the
///    pending change it starts and those it settles (atomic replace, fsync);
/// 2. the access file is replaced (temporary file, fsync, rename, fsync of the folder);
/// 3. the audit record is appended (fsync);
/// 4. the journal is rewritten with the new pending changes and no intent.
///
/// At start, `recover` reads the intent left by a crash: if the access file is the one the
/// intent names (the write happened), it appends the audit record unless the log already
/// has it, and takes up the pending change; if not, the write never happened and the
/// intent is dropped. So a change in the file always has its pending record and exactly
/// one audit record.
extension AccessStore {
    /// One change to commit: the lists to put in force (nil: the access file is unchanged,
    /// e.g. a confirmation), its audit record, the pending change it starts, and the pending
    /// changes it settles (id → how).
    struct Commit {
        var lists: AccessLists?
        var audit: AuditRecord
        var starts: PendingChange?
        var settles: [String: (state: PendingChangeInfo.State, outcome: String)]
    }

    /// The steps of a commit, for tests that simulate a crash after one of them.
    enum CommitStep: Sendable { case intent, accessFile, audit }

    struct SimulatedCrash: Error {}

    func commit(_ commit: Commit, into state: inout State) throws(APIError) {
        let text = commit.lists?.renderedAccessFile()
        let revisionAfter = text.map { AccessRevision.of($0.utf8) } ?? state.revision
        var pending = state.changes.filter { $0.info.state == .pending }.map(\.record)
        let intent = StoreJournal.Intent(revisionBefore: state.revision, revisionAfter: revisionAfter, audit: commit.audit,
                                         starts: commit.starts?.record, settles: commit.settles.keys.sorted())
        do {
            try journal.save(StoreJournal.Contents(pending: pending, intent: intent))
        } catch {
            throw APIError(status: 500, code: "save-failed", message: "could not record the change in \(journal.path); nothing changed: \(error)")
        }
        try crashPoint(.intent)
        if let text, let lists = commit.lists {
            do {
                try AtomicFile.write(text, to: path)
            } catch {
                try? journal.save(StoreJournal.Contents(pending: pending))
                throw APIError(status: 500, code: "save-failed", message: "could not write the access file; nothing changed: \(error)")
            }
            state.lists = lists
            state.revision = revisionAfter
            gate.replacePolicy(AccessPolicy(lists: lists, services: services))
        }
        try crashPoint(.accessFile)
        appendAudit(commit.audit)
        try crashPoint(.audit)
        for (id, how) in commit.settles {
            guard let index = state.changes.firstIndex(where: { $0.info.id == id }) else { continue }
            state.changes[index].timer?.cancel()
            state.changes[index].timer = nil
            state.changes[index].info.state = how.state
            state.changes[index].info.outcome = how.outcome
        }
        if var started = commit.starts {
            started.timer = scheduleRevert(started.info.id, after: configuration.control.revertAfter)
            state.changes.append(started)
        }
        pending = state.changes.filter { $0.info.state == .pending }.map(\.record)
        do {
            try journal.save(StoreJournal.Contents(pending: pending))
        } catch {
            gate.logger.error("could not update \(journal.path): \(error). The change is made; the next start finishes its record")
        }
        trimResolved(&state)
    }

    private func crashPoint(_ step: CommitStep) throws(APIError) {
        if crashAfter.withLock({ $0 }) == step {
            throw APIError(status: 500, code: "simulated-crash", message: "stopped after \(step) (test)")
        }
    }

    // MARK: Recovery at start

    /// Removes our leftover temporary files, repairs a torn audit tail, and finishes or drops
    /// the write a crash interrupted (see the order above).
    func recover() {
        for leftover in AtomicFile.removeLeftoverTemporaries(of: path) + AtomicFile.removeLeftoverTemporaries(of: journal.path) {
            gate.logger.notice("removed \(leftover), left by an interrupted save")
        }
        do {
            if let torn = try audit.repairTornTail() {
                gate.logger.warning("the audit log \(audit.path) ended in a torn line (a crash while writing it): its \(torn.bytes) bytes are kept in \(torn.keptIn)")
                appendAudit(AuditRecord(id: Self.newID("a"), time: Date(), user: Caller.daemon.name, uid: nil, action: "audit.repair",
                                        list: nil, entryID: nil, before: nil, after: nil,
                                        detail: "cut a torn last line of \(torn.bytes) bytes off the audit log; kept in \(torn.keptIn)"))
            }
        } catch {
            gate.logger.error("\(error)")
        }
        var contents: StoreJournal.Contents
        do {
            contents = try journal.load()
        } catch {
            gate.logger.error("\(error). Changes pending before the restart are not resumed: check the lists with `mailgate whitelist list` and `mailgate blacklist list`")
            return
        }
        guard let intent = contents.intent else { return }
        state.withLock { state in
            let happened = intent.revisionAfter == state.revision
                || (intent.revisionBefore != state.revision && Self.effectVisible(intent.audit, in: state.lists))
            if happened {
                if !audit.contains(id: intent.audit.id ?? "") { appendAudit(intent.audit) }
                contents.pending.removeAll { intent.settles.contains($0.change.id) }
                if let started = intent.starts, !contents.pending.contains(where: { $0.change.id == started.change.id }) {
                    contents.pending.append(started)
                }
                gate.logger.notice("finished a change interrupted by a crash: \(intent.audit.detail ?? intent.audit.action)")
            } else {
                gate.logger.notice("dropped a change interrupted by a crash before it reached \(path): \(intent.audit.detail ?? intent.audit.action)")
            }
            contents.intent = nil
            do { try journal.save(contents) } catch { gate.logger.error("could not update \(journal.path): \(error)") }
        }
    }

    /// Whether the lists show the audit record's change (for a file also edited by hand since).
    static func effectVisible(_ record: AuditRecord, in lists: AccessLists) -> Bool {
        guard let kind = record.list else { return false }
        if let after = record.after {
            return lists[kind].contains { $0.hasSameSettings(as: after) }
        }
        if let before = record.before {
            return !lists[kind].contains { $0.id == before.id }
        }
        return false
    }

    func trimResolved(_ state: inout State) {
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

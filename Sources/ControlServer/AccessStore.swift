import AccessPolicy
import Foundation
import Gate
import Logging
import MailgateAPI
import Synchronization

/// Owns the whitelist and blacklist while the daemon runs: the lists in force, the revision
/// of the file they came from, and the pending changes. Every write goes validate → If-Match
/// → impact → (acknowledged, when it has one) → commit, under one lock, so writes are serial.
/// A commit is crash-safe (see `commit`). Hand edits and SIGHUP come in through
/// `reload(trigger:)`; an invalid file is refused and the last good lists stay.
public final class AccessStore: Sendable {
    public enum Write: Sendable {
        case add(EntryDraft, acknowledgeImpact: Bool)
        case update(String, EntryDraft, acknowledgeImpact: Bool)
        case remove(String, acknowledgeImpact: Bool)
    }

    struct PendingChange {
        var info: PendingChangeInfo
        /// The entry before the change (nil: an add) and as the change left it (nil: a removal).
        var before: AccessEntry?
        var after: AccessEntry?
        var timer: Task<Void, Never>?

        var record: StoreJournal.Record { StoreJournal.Record(change: info, before: before, after: after) }
    }

    struct State {
        var lists: AccessLists
        var revision: String
        var changes: [PendingChange] = []
    }

    public let configuration: GateConfiguration
    public let audit: AuditLog
    let gate: GateState
    let state: Mutex<State>
    /// Tests only: makes a commit stop dead after a step, as a crash there would.
    let crashAfter = Mutex<CommitStep?>(nil)
    var path: String { configuration.accessFile }
    var journal: StoreJournal { StoreJournal(accessFile: configuration.accessFile) }
    var services: [String] { configuration.serviceNames }
    static let keptResolvedChanges = 50

    /// Finishes or drops a write a crash interrupted, repairs the audit log, reads the access
    /// file named by `configuration` (it must be valid), puts it in force, and resumes the
    /// pending changes.
    public init(configuration: GateConfiguration, gate: GateState, audit: AuditLog) throws(ConfigurationProblems) {
        self.configuration = configuration
        self.gate = gate
        self.audit = audit
        let lists = try configuration.loadAccessLists()
        let bytes = FileManager.default.contents(atPath: configuration.accessFile) ?? Data()
        state = Mutex(State(lists: lists, revision: AccessRevision.of(bytes)))
        gate.replacePolicy(AccessPolicy(lists: lists, services: configuration.serviceNames))
        recover()
        resumePendingChanges()
    }

    /// The lists in force and their revision.
    public var current: (lists: AccessLists, revision: String) {
        state.withLock { ($0.lists, $0.revision) }
    }

    public var changes: [PendingChangeInfo] {
        state.withLock { state in
            let infos = state.changes.map(\.info)
            return infos.filter { $0.state == .pending } + infos.filter { $0.state != .pending }.reversed()
        }
    }

    public var pendingChanges: [PendingChangeInfo] { changes.filter { $0.state == .pending } }

    /// Cancels the revert timers (shutdown). The pending changes stay in their file, and the
    /// next start resumes them.
    public func stop() {
        state.withLock { state in
            for index in state.changes.indices { state.changes[index].timer?.cancel() }
        }
    }

    // MARK: Reloads

    /// Re-reads the file (after a hand edit, or on SIGHUP). An unchanged file is a no-op;
    /// an invalid one is refused with its problems logged. Returns whether the file in force
    /// is now the one on disk.
    @discardableResult
    public func reload(trigger: String) -> Bool {
        state.withLock { state in
            do {
                try pickUpDiskChanges(&state, trigger: trigger)
                return true
            } catch let error as APIError {
                gate.logger.error("refused invalid access file \(path) (\(trigger)); the last good policy stays in force:\n\(error.message)")
                return false
            } catch {
                return false
            }
        }
    }

    /// Brings `state` up to date with the file on disk, if it was changed by someone else.
    func pickUpDiskChanges(_ state: inout State, trigger: String) throws(APIError) {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw APIError(status: 409, code: "access-file-unreadable", message: "cannot read the access file \(path)")
        }
        let revision = AccessRevision.of(bytes)
        if revision == state.revision { return }
        let lists: AccessLists
        do {
            lists = try AccessLists.parse(String(decoding: bytes, as: UTF8.self), path: path, knownServices: Set(services))
        } catch {
            throw APIError(status: 409, code: "access-file-invalid",
                           message: "the access file \(path) was edited by hand and is invalid; fix it (mailgate check) before writing through the API:\n\(error)")
        }
        let words = AccessListsDiff.describe(from: state.lists, to: lists)
        state.lists = lists
        state.revision = revision
        gate.replacePolicy(AccessPolicy(lists: lists, services: services))
        let summary = words.isEmpty ? "no entry changed" : words.joined(separator: "; ")
        gate.logger.notice("reloaded access file \(path) (\(trigger)): \(summary)")
        gate.record(ControlEvent(kind: .configChanged, detail: "reloaded \(path) (\(trigger)): \(summary)"))
        appendAudit(AuditRecord(id: Self.newID("a"), time: Date(), user: Caller.file.name, uid: nil, action: "reload", list: nil,
                                entryID: nil, before: nil, after: nil, detail: "\(trigger): \(summary)"))
    }

    // MARK: Writes

    public func write(_ write: Write, to kind: ListKind, ifMatch: String?, by caller: Caller) throws(APIError) -> EntryWriteResponse {
        try state.withLock { state throws(APIError) -> EntryWriteResponse in
            try pickUpDiskChanges(&state, trigger: "changed on disk")
            guard let ifMatch, !ifMatch.isEmpty else {
                throw APIError(status: 428, code: "revision-required",
                               message: "send the revision you edited in an If-Match header (GET /v1/\(kind.rawValue) gives it)",
                               revision: state.revision)
            }
            guard AccessRevision.unquoted(ifMatch) == state.revision else {
                throw APIError(status: 409, code: "revision-mismatch",
                               message: "the \(kind.rawValue) changed since revision \(AccessRevision.unquoted(ifMatch)); nothing was written. Re-read it (revision \(state.revision)) and apply your edit again",
                               revision: state.revision)
            }
            let now = Date()
            let edit = try Self.edit(write, of: kind, in: state.lists, services: services, by: caller, now: now)
            let impact = impactReport(kind, before: edit.before, after: edit.after, current: state.lists, proposed: edit.lists)
            if impact.requiresAcknowledgement && !edit.acknowledged {
                throw APIError(status: 409, code: "acknowledge-impact-required",
                               message: "this change could cut clients off (\(impact.change)): read the impact report, then send the write again acknowledged (\"acknowledge_impact\": true in the body; ?acknowledge_impact=true on a DELETE)",
                               impact: impact)
            }

            let subject = (edit.after ?? edit.before)!
            var pending: PendingChange?
            if impact.requiresAcknowledgement {
                let info = PendingChangeInfo(id: Self.newID("ch"), list: kind, entryID: subject.id, source: "\(subject.source)",
                                             summary: impact.change, by: caller.name, created: now,
                                             deadline: now.addingTimeInterval(configuration.control.revertAfter.inSeconds),
                                             state: .pending, outcome: nil)
                pending = PendingChange(info: info, before: edit.before, after: edit.after, timer: nil)
            }
            let words = Self.words(kind, before: edit.before, after: edit.after)
            let detail = pending.map { "\(words); pending change \($0.info.id) reverts at \(Self.timeText($0.info.deadline)) unless confirmed" } ?? words
            let record = AuditRecord(id: Self.newID("a"), time: now, user: caller.name, uid: caller.uid, action: "\(kind.rawValue).\(edit.action)",
                                     list: kind, entryID: subject.id, before: edit.before, after: edit.after, detail: detail,
                                     change: pending?.info.id)
            try commit(Commit(lists: edit.lists, audit: record, starts: pending, settles: [:]), into: &state)
            gate.logger.notice("\(caller.name) \(detail)")
            gate.record(ControlEvent(kind: .configChanged, entryID: subject.id, detail: "by \(caller.name): \(detail)"))
            return EntryWriteResponse(revision: state.revision, entry: edit.after, pendingChange: pending?.info)
        }
    }

    /// A validated edit of the lists: the new lists and the entry before and after.
    struct Edit {
        var lists: AccessLists
        var before: AccessEntry?
        var after: AccessEntry?
        var acknowledged: Bool
        var action: String
    }

    static func edit(_ write: Write, of kind: ListKind, in lists: AccessLists, services: [String], by caller: Caller,
                     now: Date) throws(APIError) -> Edit {
        let known = Set(services)
        do throws(AccessEditError) {
            switch write {
            case .add(let draft, let ack):
                let result = try lists.adding(draft, to: kind, knownServices: known, by: caller.name, now: now)
                return Edit(lists: result.lists, before: nil, after: result.entry, acknowledged: ack, action: "add")
            case .update(let key, let draft, let ack):
                let result = try lists.updating(key, in: kind, with: draft, knownServices: known, by: caller.name, now: now)
                return Edit(lists: result.lists, before: result.before, after: result.after, acknowledged: ack, action: "update")
            case .remove(let key, let ack):
                let result = try lists.removing(key, from: kind)
                return Edit(lists: result.lists, before: result.entry, after: nil, acknowledged: ack, action: "remove")
            }
        } catch {
            switch error.code {
            case .notFound: throw APIError.notFound(error.message)
            case .invalid: throw APIError.badRequest("invalid", error.message)
            case .duplicate: throw APIError(status: 409, code: "duplicate", message: error.message)
            }
        }
    }

    static func words(_ kind: ListKind, before: AccessEntry?, after: AccessEntry?) -> String {
        switch (before, after) {
        case (nil, let after?): return "added \(kind.rawValue) \(AccessListsDiff.describe(after, kind))"
        case (let before?, nil): return "removed \(kind.rawValue) \(AccessListsDiff.describe(before, kind))"
        case (let before?, let after?):
            let changes = AccessListsDiff.fieldChanges(before, after)
            return "changed \(kind.rawValue) \(before.source) (\(after.id)): \(changes.isEmpty ? "nothing" : changes.joined(separator: ", "))"
        default: return ""
        }
    }

    func appendAudit(_ record: AuditRecord) {
        do { try audit.append(record) } catch { gate.logger.error("\(error)") }
    }

    static func timeText(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func newID(_ prefix: String) -> String {
        prefix + String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }
}

import AccessPolicy
import Foundation
import Gate
import Logging
import Synchronization

/// Owns the whitelist and blacklist while the daemon runs: the lists in force, the revision
/// of the file they came from, and the pending `tcp_proxy` changes. Every write goes
/// validate → If-Match → save atomically → new policy → `config-changed` event → audit
/// record, under one lock, so writes are serial. Hand edits and SIGHUP come in through
/// `reload(trigger:)`; an invalid file is refused and the last good lists stay.
public final class AccessStore: Sendable {
    public enum Write: Sendable {
        case add(EntryDraft, acknowledgeImpact: Bool)
        case update(String, EntryDraft, acknowledgeImpact: Bool)
        case remove(String)
    }

    struct PendingChange {
        var info: PendingChangeInfo
        /// The entry as the change left it, to tell later edits apart.
        var applied: AccessEntry
        var timer: Task<Void, Never>?
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
    var path: String { configuration.accessFile }
    var pendingFile: PendingChangesFile { PendingChangesFile(accessFile: configuration.accessFile) }
    var services: [String] { configuration.serviceNames }
    static let keptResolvedChanges = 50

    /// Reads the access file named by `configuration` (it must be valid) and puts it in force.
    public init(configuration: GateConfiguration, gate: GateState, audit: AuditLog) throws(ConfigurationProblems) {
        self.configuration = configuration
        self.gate = gate
        self.audit = audit
        let lists = try configuration.loadAccessLists()
        let bytes = FileManager.default.contents(atPath: configuration.accessFile) ?? Data()
        state = Mutex(State(lists: lists, revision: AccessRevision.of(bytes)))
        gate.replacePolicy(AccessPolicy(lists: lists, services: configuration.serviceNames))
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
        gate.record(GateEvent(kind: .configChanged, detail: "reloaded \(path) (\(trigger)): \(summary)"))
        appendAudit(AuditRecord(time: Date(), user: Caller.file.name, uid: nil, action: "reload", list: nil,
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
            let known = Set(services)
            let edited: (lists: AccessLists, before: AccessEntry?, after: AccessEntry?)
            let acknowledged: Bool
            let action: String
            do throws(AccessEditError) {
                switch write {
                case .add(let draft, let ack):
                    let result = try state.lists.adding(draft, to: kind, knownServices: known, by: caller.name, now: now)
                    edited = (result.lists, nil, result.entry)
                    acknowledged = ack
                    action = "add"
                case .update(let key, let draft, let ack):
                    let result = try state.lists.updating(key, in: kind, with: draft, knownServices: known, by: caller.name, now: now)
                    edited = (result.lists, result.before, result.after)
                    acknowledged = ack
                    action = "update"
                case .remove(let key):
                    let result = try state.lists.removing(key, from: kind)
                    edited = (result.lists, result.entry, nil)
                    acknowledged = false
                    action = "remove"
                }
            } catch {
                switch error.code {
                case .notFound: throw APIError.notFound(error.message)
                case .invalid: throw APIError.badRequest("invalid", error.message)
                case .duplicate: throw APIError(status: 409, code: "duplicate", message: error.message)
                }
            }

            let enabling = kind == .whitelist && Self.proxies(edited.after) && !Self.proxies(edited.before)
            if enabling && !acknowledged, let entry = edited.after {
                throw APIError(status: 409, code: "acknowledge-impact-required",
                               message: "this turns tcp_proxy on for \(entry.source): read the impact report, then send the write again with \"acknowledge_impact\": true",
                               impact: impactReport(for: entry))
            }

            try save(edited.lists, into: &state)
            let subject = edited.after ?? edited.before!
            var pending: PendingChangeInfo?
            if enabling, let entry = edited.after {
                pending = startPendingChange(for: entry, kind: kind, by: caller, now: now, state: &state)
            }
            let words: String
            switch (edited.before, edited.after) {
            case (nil, let after?): words = "added \(kind.rawValue) \(AccessListsDiff.describe(after, kind))"
            case (let before?, nil): words = "removed \(kind.rawValue) \(AccessListsDiff.describe(before, kind))"
            case (let before?, let after?):
                let changes = AccessListsDiff.fieldChanges(before, after)
                words = "changed \(kind.rawValue) \(before.source) (\(after.id)): \(changes.isEmpty ? "nothing" : changes.joined(separator: ", "))"
            default: words = ""
            }
            let detail = pending.map { "\(words); pending change \($0.id) reverts at \(Self.timeText($0.deadline)) unless confirmed" } ?? words
            gate.logger.notice("\(caller.name) \(detail)")
            gate.record(GateEvent(kind: .configChanged, entryID: subject.id, detail: "by \(caller.name): \(detail)"))
            appendAudit(AuditRecord(time: now, user: caller.name, uid: caller.uid, action: "\(kind.rawValue).\(action)", list: kind,
                                    entryID: subject.id, before: edited.before, after: edited.after, detail: detail))
            return EntryWriteResponse(revision: state.revision, entry: edited.after, pendingChange: pending)
        }
    }

    /// Whether the entry makes its source send a PROXY header (flag on and entry in force).
    static func proxies(_ entry: AccessEntry?) -> Bool {
        guard let entry else { return false }
        return entry.tcpProxy && entry.enabled
    }

    func save(_ lists: AccessLists, into state: inout State) throws(APIError) {
        do {
            try lists.save(to: path)
        } catch {
            throw APIError(status: 500, code: "save-failed", message: "could not write the access file; nothing changed: \(error)")
        }
        let bytes = FileManager.default.contents(atPath: path) ?? Data(lists.renderedAccessFile().utf8)
        state.lists = lists
        state.revision = AccessRevision.of(bytes)
        gate.replacePolicy(AccessPolicy(lists: lists, services: services))
    }

    func appendAudit(_ record: AuditRecord) {
        do { try audit.append(record) } catch { gate.logger.error("\(error)") }
    }

    static func timeText(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    // MARK: Impact

    public func impact(of key: String) throws(APIError) -> ImpactReport {
        let lists = current.lists
        guard let index = lists.index(of: .whitelist, idOrSource: key) else {
            throw APIError.notFound("no whitelist entry \"\(key)\" (give its id or its source)")
        }
        var entry = lists.whitelist[index]
        entry.tcpProxy = true
        return impactReport(for: entry)
    }

    func impactReport(for entry: AccessEntry) -> ImpactReport {
        ImpactReport.build(for: entry, services: services, gate: gate, revertAfter: configuration.control.revertAfter)
    }
}

import AccessPolicy
import Console
import ControlServer
import Foundation
import Gate
import MailgateAPI
import NetAddress

/// A pretend daemon over the fixture: carries out the console's commands the way the
/// control API does — validated edits, revisions, the impact report from the same
/// computation the daemon runs (over the fixture's traffic), pending changes with their own
/// deadlines, reverted by `Undo` like the daemon's — and feeds the answers to the model.
/// For `mailgate tui --fixture` and for tests.
public struct FixtureDaemon: Sendable {
    public var lists: AccessLists
    public var revisionNumber = 42
    public var pending: [PendingChange] = []
    public var connections: ConnectionsResponse
    public var events: [Event]
    public var audit: [AuditRecord]
    var started: Date
    /// The traffic the impact report counts, as the daemon's windows count it at `started`.
    let observations: [ChangeImpact.Observation]
    public var revertAfter: Double = 120

    /// A change waiting for confirmation, and the entry before and after it.
    public struct PendingChange: Sendable {
        public var info: PendingChangeInfo
        var before: AccessEntry?
        var after: AccessEntry?
    }

    public init(now: Date) {
        lists = ConsoleFixture.lists
        connections = ConsoleFixture.connections(now: now)
        events = ConsoleFixture.events(now: now)
        audit = ConsoleFixture.auditRecords(now: now)
        started = now
        observations = ConsoleFixture.observations(now: now)
    }

    var revision: String { "r\(revisionNumber)" }
    var knownServices: [String] { ["imap", "pop3", "smtp", "imaps"] }

    func status(now: Date) -> StatusResponse {
        ConsoleFixture.status(now: now, lists: lists, revision: revision, pending: pending.map(\.info), connections: connections)
    }

    func listResponse(_ kind: ListKind) -> AccessListResponse {
        AccessListResponse(list: kind, revision: revision, entries: lists[kind])
    }

    /// Everything the console fetches when it starts.
    public mutating func load(into model: inout ConsoleModel) {
        model.apply(status: status(now: model.now))
        model.apply(list: listResponse(.whitelist))
        model.apply(list: listResponse(.blacklist))
        model.apply(connections: connections)
        model.apply(events: events)
        model.apply(audit: audit)
    }

    mutating func publishLists(into model: inout ConsoleModel) {
        revisionNumber += 1
        model.apply(list: listResponse(.whitelist))
        model.apply(list: listResponse(.blacklist))
        model.apply(status: status(now: model.now))
    }

    /// Carries out one command and feeds the answer (or the refusal) back.
    public mutating func perform(_ command: ConsoleCommand, model: inout ConsoleModel) {
        switch command {
        case .write(let write): perform(write, acknowledged: false, model: &model)
        case .acknowledgedWrite(let write): perform(write, acknowledged: true, model: &model)
        case .confirmChange(let id):
            guard let index = pending.firstIndex(where: { $0.info.id == id }) else { return }
            var info = pending.remove(at: index).info
            info.state = .confirmed
            model.apply(settled: info)
            model.apply(status: status(now: model.now))
            recordAudit("change.confirm", list: info.list, entryID: info.entryID, before: nil, after: nil,
                        detail: "confirmed \(info.id): \(info.summary)", model: &model)
            model.notice = Notice(text: "Change confirmed: \(info.summary) stays.", isError: false)
        case .revertChange(let id):
            guard let index = pending.firstIndex(where: { $0.info.id == id }) else { return }
            revert(at: index, model: &model, why: "undone by you")
        case .quit:
            break
        }
    }

    mutating func perform(_ write: ListWrite, acknowledged: Bool, model: inout ConsoleModel) {
        let now = model.now
        guard write.revision == revision else {
            model.apply(refusal: "Someone else changed the lists (revision \(write.revision) is now \(revision)); reloaded, try again.",
                        to: .write(write))
            publishLists(into: &model)
            return
        }
        let known = Set(knownServices)
        let edited: (lists: AccessLists, before: AccessEntry?, after: AccessEntry?)
        do {
            switch write.action {
            case .add(let draft):
                let result = try lists.adding(draft, to: write.list, knownServices: known, by: "you", now: now)
                edited = (result.lists, nil, result.entry)
            case .update(let id, let draft):
                let result = try lists.updating(id, in: write.list, with: draft, knownServices: known, by: "you", now: now)
                edited = (result.lists, result.before, result.after)
            case .remove(let id):
                let result = try lists.removing(id, from: write.list)
                edited = (result.lists, result.entry, nil)
            }
        } catch {
            model.apply(refusal: error.message, to: .write(write))
            return
        }
        let impact = ChangeImpact(list: write.list, before: edited.before, after: edited.after, current: lists, proposed: edited.lists,
                                  services: knownServices, revertAfter: .seconds(Int64(revertAfter)))
            .report(observations: observations, open: ConsoleFixture.openConnections(connections))
        if impact.requiresAcknowledgement && !acknowledged {
            model.apply(impact: impact, for: write)
            return
        }
        lists = edited.lists
        var response = EntryWriteResponse(revision: "r\(revisionNumber + 1)", entry: edited.after)
        if impact.requiresAcknowledgement, let subject = edited.after ?? edited.before {
            let info = PendingChangeInfo(id: "chg-\(revisionNumber + 1)", list: write.list, entryID: subject.id, source: "\(subject.source)",
                                         summary: impact.change, by: "you", created: now, deadline: now.addingTimeInterval(revertAfter),
                                         state: .pending)
            pending.append(PendingChange(info: info, before: edited.before, after: edited.after))
            response.pendingChange = info
        }
        model.apply(write: response, for: write)
        let words = Self.words(write.list, before: edited.before, after: edited.after)
        recordAudit("\(write.list.rawValue).\(Self.verb(write.action))", list: write.list, entryID: (edited.after ?? edited.before)?.id,
                    before: edited.before, after: edited.after,
                    detail: response.pendingChange.map { "\(words); pending change \($0.id) reverts at \($0.deadline.formatted(.iso8601)) unless confirmed" } ?? words,
                    model: &model)
        publishLists(into: &model)
    }

    mutating func revert(at index: Int, model: inout ConsoleModel, why: String) {
        let change = pending.remove(at: index)
        let undo = Undo.of(list: change.info.list, before: change.before, after: change.after, in: lists, by: "you", now: model.now)
        if let reverted = undo.lists { lists = reverted }
        var info = change.info
        info.state = .reverted
        info.outcome = "\(why): \(undo.words)"
        let event = Event(sequence: (events.last?.sequence ?? 0) + 1,
                          ControlEvent(time: model.now, kind: .changeReverted, detail: "change \(info.id) (\(info.summary)) \(why): \(undo.words)"))
        events.append(event)
        model.apply(settled: info)
        model.apply(event: event)
        recordAudit(why == "undone by you" ? "change.revert" : "change.auto-revert", list: info.list, entryID: info.entryID,
                    before: undo.entryBefore, after: undo.entryAfter, detail: "\(info.id) (\(info.summary)): \(info.outcome ?? "")", model: &model)
        publishLists(into: &model)
    }

    /// The refresh tick: the auto-revert.
    public mutating func tick(model: inout ConsoleModel) {
        while let index = pending.firstIndex(where: { model.now >= $0.info.deadline }) {
            revert(at: index, model: &model, why: "not confirmed within \(Int(revertAfter)) s, reverted automatically")
        }
    }
}

import AccessPolicy
import Control
import Foundation
import Gate
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
    public var events: [GateEvent]
    public var audit: [AuditRecord]
    var started: Date
    var lastSynthetic: Date
    public var revertAfter: Double = 120
    /// Adds a made-up reject every few seconds, so the preview looks alive.
    public var synthesizeTraffic = false

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
        lastSynthetic = now
    }

    var revision: String { "r\(revisionNumber)" }
    var knownServices: [String] { ["imap", "pop3", "smtp", "imaps"] }

    func status(now: Date) -> StatusResponse {
        ConsoleFixture.status(now: now, lists: lists, revision: revision, pending: pending.map(\.info), connections: connections)
    }

    func listResponse(_ kind: ListKind) -> AccessListResponse {
        APIValue.decode(AccessListResponse.self, ["list": kind.rawValue, "revision": revision,
                                                  "entries": lists[kind].map(APIValue.encode)] as [String: Any])
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
            model.overlay = nil
            model.apply(error: "Someone else changed the lists (revision \(write.revision) is now \(revision)); reloaded, try again.")
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
            model.overlay = nil
            model.apply(error: error.message)
            return
        }
        let impact = ChangeImpact(list: write.list, before: edited.before, after: edited.after, current: lists, proposed: edited.lists,
                                  services: knownServices, revertAfter: .seconds(Int64(revertAfter)))
            .report(observations: ConsoleFixture.observations, open: ConsoleFixture.openConnections(connections))
        if impact.requiresAcknowledgement && !acknowledged {
            model.apply(impact: impact, for: write)
            return
        }
        lists = edited.lists
        var response = APIValue.decode(EntryWriteResponse.self, ["revision": "r\(revisionNumber + 1)"] as [String: Any])
        response.entry = edited.after
        if impact.requiresAcknowledgement, let subject = edited.after ?? edited.before {
            let info = APIValue.decode(PendingChangeInfo.self, [
                "id": "chg-\(revisionNumber + 1)", "list": write.list.rawValue, "entry_id": subject.id, "source": "\(subject.source)",
                "summary": impact.change, "by": "you", "created": APIValue.time(now),
                "deadline": APIValue.time(now.addingTimeInterval(revertAfter)), "state": "pending",
            ] as [String: Any])
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
        var event = GateEvent(time: model.now, kind: .changeReverted, detail: "change \(info.id) (\(info.summary)) \(why): \(undo.words)")
        event.sequence = (events.last?.sequence ?? 0) + 1
        events.append(event)
        model.apply(settled: info)
        model.apply(event: event)
        recordAudit(why == "undone by you" ? "change.revert" : "change.auto-revert", list: info.list, entryID: info.entryID,
                    before: undo.entryBefore, after: undo.entryAfter, detail: "\(info.id) (\(info.summary)): \(info.outcome ?? "")", model: &model)
        publishLists(into: &model)
    }

    /// The refresh tick: the auto-revert, and synthetic traffic when asked for.
    public mutating func tick(model: inout ConsoleModel) {
        while let index = pending.firstIndex(where: { model.now >= $0.info.deadline }) {
            revert(at: index, model: &model, why: "not confirmed within \(Int(revertAfter)) s, reverted automatically")
        }
        guard synthesizeTraffic, model.now.timeIntervalSince(lastSynthetic) >= 3 else { return }
        lastSynthetic = model.now
        let tick = Int(model.now.timeIntervalSince(started) / 3)
        let samples: [(String, String, RejectReason)] = [
            ("203.0.113.8", "imap", .proxyHeaderFromUntrustedSource),
            ("198.51.100.\(23 + tick % 5)", "smtp", .blacklisted),
            ("203.0.113.8", "pop3", .proxyHeaderFromUntrustedSource),
        ]
        let (peer, service, reason) = samples[tick % samples.count]
        var event = GateEvent(time: model.now, kind: .rejected, service: service, peer: IPAddress(peer), reason: reason)
        event.sequence = (events.last?.sequence ?? 0) + 1
        events.append(event)
        model.apply(event: event)
    }
}

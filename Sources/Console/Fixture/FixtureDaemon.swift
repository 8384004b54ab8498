import AccessPolicy
import Control
import Foundation
import Gate
import NetAddress

/// A pretend daemon over the fixture: carries out the console's commands the way the
/// control API will (validated edits, revisions, pending change with auto-revert) and
/// feeds the answers to the model. For `mailgate tui --fixture` and for tests.
public struct FixtureDaemon: Sendable {
    public var lists: AccessLists
    public var revisionNumber = 42
    public var pending: PendingChangeInfo?
    public var connections: ConnectionsResponse
    public var events: [GateEvent]
    /// The previous state of an entry while its change is pending (restored by a revert).
    var before: AccessEntry?
    var started: Date
    var lastSynthetic: Date
    public var revertAfter: Double = 120
    /// Adds a made-up reject every few seconds, so the preview looks alive.
    public var synthesizeTraffic = false

    public init(now: Date) {
        lists = ConsoleFixture.lists
        connections = ConsoleFixture.connections(now: now)
        events = ConsoleFixture.events(now: now)
        started = now
        lastSynthetic = now
    }

    var revision: String { "r\(revisionNumber)" }
    var knownServices: [String] { ["imap", "pop3", "smtp", "imaps"] }

    func status(now: Date) -> StatusResponse {
        ConsoleFixture.status(now: now, lists: lists, revision: revision, pending: pending.map { [$0] } ?? [],
                              connections: connections)
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
    }

    mutating func publishLists(into model: inout ConsoleModel) {
        revisionNumber += 1
        model.apply(list: listResponse(.whitelist))
        model.apply(list: listResponse(.blacklist))
        model.apply(status: status(now: model.now))
    }

    /// Carries out one command and feeds the answer (or the refusal) back.
    public mutating func perform(_ command: ConsoleCommand, model: inout ConsoleModel) {
        let now = model.now
        func stale(_ given: String) -> Bool {
            if given != revision {
                model.apply(error: "Someone else changed the lists (revision \(given) is now \(revision)); reloaded, try again.")
                publishLists(into: &model)
                return true
            }
            return false
        }
        switch command {
        case .fetchImpact(let id):
            guard let entry = lists.whitelist.first(where: { $0.id == id }) else { return }
            model.apply(impact: ConsoleFixture.impact(for: entry, services: knownServices, now: now))
        case .enableTCPProxy(let id, let given):
            guard !stale(given), let index = lists.whitelist.firstIndex(where: { $0.id == id }) else { return }
            if pending != nil { model.apply(error: "Another change is pending: confirm (c) or undo (u) it first."); return }
            before = lists.whitelist[index]
            lists.whitelist[index].tcpProxy = true
            let entry = lists.whitelist[index]
            pending = APIValue.decode(PendingChangeInfo.self, [
                "id": "chg-\(revisionNumber + 1)", "list": "whitelist", "entry_id": id, "source": "\(entry.source)",
                "summary": "TCP Proxy ON for \(entry.source) (\(entry.services.names.joined(separator: ", ")))",
                "by": "you", "created": APIValue.time(now), "deadline": APIValue.time(now.addingTimeInterval(revertAfter)),
                "state": "pending",
            ] as [String: Any])
            model.apply(pendingChange: pending)
            publishLists(into: &model)
        case .disableTCPProxy(let id, let given):
            guard !stale(given), let index = lists.whitelist.firstIndex(where: { $0.id == id }) else { return }
            lists.whitelist[index].tcpProxy = false
            publishLists(into: &model)
        case .addEntry(let kind, let draft, let given):
            guard !stale(given) else { return }
            do {
                lists = try lists.adding(draft, to: kind, knownServices: Set(knownServices), by: "you", now: now).lists
                publishLists(into: &model)
            } catch { model.apply(error: error.message) }
        case .updateEntry(let kind, let id, let draft, let given):
            guard !stale(given) else { return }
            do {
                lists = try lists.updating(id, in: kind, with: draft, knownServices: Set(knownServices), by: "you", now: now).lists
                publishLists(into: &model)
            } catch { model.apply(error: error.message) }
        case .deleteEntry(let kind, let id, let given):
            guard !stale(given) else { return }
            do {
                lists = try lists.removing(id, from: kind).lists
                publishLists(into: &model)
            } catch { model.apply(error: error.message) }
        case .confirmChange(let id):
            guard pending?.id == id else { return }
            pending = nil
            before = nil
            model.apply(pendingChange: nil)
            model.apply(status: status(now: now))
            model.notice = Notice(text: "Change confirmed: it stays.", isError: false)
        case .revertChange(let id):
            guard pending?.id == id else { return }
            revert(model: &model, why: "undone by you")
        case .quit:
            break
        }
    }

    mutating func revert(model: inout ConsoleModel, why: String) {
        if let before, let index = lists.whitelist.firstIndex(where: { $0.id == before.id }) {
            lists.whitelist[index] = before
        }
        let summary = pending?.summary ?? "change"
        pending = nil
        before = nil
        var event = GateEvent(time: model.now, kind: .changeReverted, detail: "\(summary) — \(why)")
        event.sequence = (events.last?.sequence ?? 0) + 1
        events.append(event)
        model.apply(event: event)
        publishLists(into: &model)
    }

    /// The refresh tick: the auto-revert, and synthetic traffic when asked for.
    public mutating func tick(model: inout ConsoleModel) {
        if let pending, model.now >= pending.deadline {
            revert(model: &model, why: "not confirmed within \(Int(revertAfter)) s, reverted automatically")
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

import AccessPolicy
import Control
import Foundation
import Gate

/// Everything the console shows, as plain state. Views render it; the API client (or the
/// fixture) feeds it through the `apply` functions; keys change it through `handle(_:)`,
/// which answers with the commands to send to the daemon. No I/O here.
public struct ConsoleModel: Hashable, Sendable {
    /// The clock every age, rate and countdown is computed from (fixed in tests).
    public var now: Date
    public var link: LinkState
    public var readonly: Bool
    public var paused = false
    public var view: ConsoleView = .connections
    /// The view to return to when Help is closed with `?` again.
    public var viewBeforeHelp: ConsoleView = .connections

    public var status: StatusResponse?
    public var connections: ConnectionsResponse?
    /// Newest first.
    public var rejects: [RejectSummary] = []
    public var whitelist: AccessListResponse?
    public var blacklist: AccessListResponse?
    /// Rejects a second by reason, and when the rows were last sorted (ConsoleModel+Rejects).
    public var rejectActivity = RejectActivity()
    /// The audit log's newest records, oldest first (the History view; ConsoleModel+History).
    public var audit: [AuditRecord] = []
    /// Every change waiting for confirmation, soonest deadline first.
    public var pendingChanges: [PendingChangeInfo] = []

    public var overlay: Overlay?
    public var filters: [ConsoleView: String] = [:]
    public var editingFilter = false
    public var selection: [ConsoleView: Int] = [:]
    /// Events received while paused, applied on resume.
    public var heldEvents: [GateEvent] = []
    /// The latest connection snapshot received while paused.
    public var heldConnections: ConnectionsResponse?
    public var lastSequence: UInt64 = 0
    public var notice: Notice?
    public var quitRequested = false
    /// Rows a page moves (set by the screen from its height).
    public var pageSize = 10

    public init(now: Date, link: LinkState = .connecting, readonly: Bool = false) {
        self.now = now
        self.link = link
        self.readonly = readonly
    }

    // MARK: Feeding the model

    public mutating func apply(status: StatusResponse) {
        self.status = status
        pendingChanges = status.pendingChanges.filter { $0.state == .pending }.sorted { $0.deadline < $1.deadline }
        clampSelection()
    }

    public mutating func apply(list: AccessListResponse) {
        switch list.list {
        case .whitelist: whitelist = list
        case .blacklist: blacklist = list
        }
        clampSelection()
    }

    public mutating func apply(connections: ConnectionsResponse) {
        if paused { heldConnections = connections; return }
        self.connections = connections
        clampSelection()
    }

    /// An event from the stream or a `GET /v1/events` page. Held while paused; duplicates
    /// (a sequence already seen, after a reconnect) are ignored.
    public mutating func apply(event: GateEvent) {
        if paused { heldEvents.append(event); return }
        if event.sequence != 0 {
            if event.sequence <= lastSequence { return }
            lastSequence = event.sequence
        }
        switch event.kind {
        case .rejected:
            recordReject(event)
        case .closed:
            if let id = event.connection {
                connections?.proxied.removeAll { $0.id == id }
                connections?.direct.removeAll { $0.id == id }
                connections?.awaitingHeader.removeAll { $0.id == id }
            }
        case .changeReverted:
            if let detail = event.detail { pendingChanges.removeAll { detail.contains($0.id) } }
            notice = Notice(text: "Change reverted: \(event.detail ?? "the pending change was undone")", isError: false)
        case .configChanged:
            if let detail = event.detail { notice = Notice(text: "Configuration changed: \(detail)", isError: false) }
        case .accepted, .proxied:
            break  // connection rows come from snapshots
        }
        clampSelection()
    }

    public mutating func apply(events: [GateEvent]) {
        for event in events.sorted(by: { $0.sequence < $1.sequence }) { apply(event: event) }
        if !paused { resortRejects() }
    }

    /// The daemon answered a write with its impact report instead of applying it: the impact
    /// dialog shows it (filling the one already open for that write, or opening one).
    public mutating func apply(impact: ImpactReport, for write: ListWrite) {
        if case .impact(var dialog)? = overlay, dialog.write == write {
            dialog.report = impact
            overlay = .impact(dialog)
        } else if overlay == nil {
            overlay = .impact(ImpactDialog(write: write, report: impact))
        }
    }

    /// The answer to a write: the pending change it started, if it could cut clients off.
    public mutating func apply(write response: EntryWriteResponse, for write: ListWrite) {
        if case .impact(let dialog)? = overlay, dialog.write == write { overlay = nil }
        if let change = response.pendingChange, change.state == .pending, !pendingChanges.contains(where: { $0.id == change.id }) {
            pendingChanges.append(change)
            pendingChanges.sort { $0.deadline < $1.deadline }
        }
    }

    /// A pending change was confirmed or reverted by this console.
    public mutating func apply(settled change: PendingChangeInfo) {
        pendingChanges.removeAll { $0.id == change.id }
        clampSelection()
    }

    /// A refused or failed request, in the daemon's words.
    public mutating func apply(error message: String) {
        notice = Notice(text: message, isError: true)
    }

    public mutating func apply(link: LinkState) { self.link = link }

    /// The refresh tick: moves the clock and forgets rate samples older than 15 minutes.
    public mutating func tick(now: Date) {
        self.now = now
        for index in rejects.indices {
            rejects[index].recent.removeAll { now.timeIntervalSince($0) > 900 }
        }
        tickRejects()
    }

    // MARK: What the views show

    public var knownServices: [String] { status?.listeners.map(\.service) ?? [] }
    public func filter(for view: ConsoleView) -> String { filters[view] ?? "" }
    public var revision: String { status?.revision ?? whitelist?.revision ?? blacklist?.revision ?? "" }
    public func revision(of kind: ListKind) -> String {
        (kind == .whitelist ? whitelist?.revision : blacklist?.revision) ?? revision
    }

    static func matches(_ filter: String, _ fields: [String]) -> Bool {
        filter.isEmpty || fields.contains { $0.range(of: filter, options: .caseInsensitive) != nil }
    }

    public func visibleEntries(_ kind: ListKind) -> [AccessEntry] {
        let entries = (kind == .whitelist ? whitelist : blacklist)?.entries ?? []
        let text = filter(for: kind == .whitelist ? .whitelist : .blacklist)
        return entries.filter {
            Self.matches(text, ["\($0.source)", $0.description, $0.services.names.joined(separator: ","), $0.id])
        }
    }

    public var visibleRejects: [RejectSummary] {
        let text = filter(for: .rejects)
        return rejects.filter { Self.matches(text, [$0.source, $0.reason.rawValue, $0.services.joined(separator: ",")]) }
    }

    /// The connection groups after the filter, in display order.
    public var visibleConnections: (proxied: [ConnectionSnapshot], direct: [ConnectionSnapshot], awaiting: [ConnectionSnapshot]) {
        let text = filter(for: .connections)
        func keep(_ c: ConnectionSnapshot) -> Bool {
            Self.matches(text, [c.service, "\(c.peer)", c.realClient.map { "\($0)" } ?? "", c.entrySource ?? "", c.entryID ?? ""])
        }
        return ((connections?.proxied ?? []).filter(keep), (connections?.direct ?? []).filter(keep),
                (connections?.awaitingHeader ?? []).filter(keep))
    }

    public func rowCount(_ view: ConsoleView) -> Int {
        switch view {
        case .connections: let g = visibleConnections; return g.proxied.count + g.direct.count + g.awaiting.count
        case .rejects: return visibleRejects.count
        case .whitelist: return visibleEntries(.whitelist).count
        case .blacklist: return visibleEntries(.blacklist).count
        case .changes: return pendingChanges.count
        case .history: return audit.count  // one row a record
        case .help: return KeyActions.available(readonly: readonly).count
        }
    }

    public func selectedRow(_ view: ConsoleView) -> Int {
        min(selection[view] ?? 0, max(0, rowCount(view) - 1))
    }

    public func selectedEntry(_ kind: ListKind) -> AccessEntry? {
        let entries = visibleEntries(kind)
        let row = selectedRow(kind == .whitelist ? .whitelist : .blacklist)
        return entries.indices.contains(row) ? entries[row] : nil
    }

    /// The pending change `c` and `u` act on: the selected one in the Changes view, else the
    /// only one (with several, the Changes view is where to choose).
    public var targetedChange: PendingChangeInfo? {
        if view == .changes { return pendingChanges.indices.contains(selectedRow(.changes)) ? pendingChanges[selectedRow(.changes)] : nil }
        return pendingChanges.count == 1 ? pendingChanges[0] : nil
    }

    mutating func clampSelection() {
        for view in ConsoleView.allCases where selection[view] != nil {
            selection[view] = selectedRow(view)
        }
    }
}

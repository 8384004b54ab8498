import AccessPolicy
import Foundation
import MailgateAPI

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
    /// The open connections, followed event by event between full lists.
    public var connections = ConnectionTable()
    /// Newest first.
    public var rejects: [RejectSummary] = []
    public var whitelist: AccessListResponse?
    public var blacklist: AccessListResponse?
    /// Rejects a second by reason, and when the rows were last sorted (ConsoleModel+Rejects).
    public var rejectActivity = RejectActivity()
    /// The Rejects row the last reject went to (a hint; checked before use).
    var lastRejectRow: Int?
    /// The audit log's newest records, oldest first (the History view; ConsoleModel+History).
    public var audit: [AuditRecord] = []
    /// Every change waiting for confirmation, soonest deadline first.
    public var pendingChanges: [PendingChangeInfo] = []

    public var overlay: Overlay?
    public var filters: [ConsoleView: String] = [:] {
        didSet { connections.setFilter(filters[.connections] ?? "") }
    }
    public var editingFilter = false
    public var selection: [ConsoleView: Int] = [:]
    /// Events received while paused, applied on resume.
    public var heldEvents: [Event] = []
    /// Of the held events, the rejects (what the Rejects view would gain on resume).
    public var heldRejects = 0
    /// The latest full connection list received while paused.
    var heldConnections: [OpenConnection]?
    var heldConnectionsTime = Date.distantPast
    /// Connection events that arrived while a full list was on its way: replayed on top of it
    /// (replaying an event the list already reflects changes nothing).
    var connectionEventsDuringLoad: [GateEvent]?
    public var lastSequence: UInt64 = 0
    /// The time of the oldest event the console holds: what the Rejects view covers.
    public var eventsCoverFrom: Date?
    /// When the link was last up, while it is down (what is shown is as of then).
    public var lastLive: Date?
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

    /// The full list of open connections (at connect, reconnect and after a stream gap).
    public mutating func apply(connections response: ConnectionsResponse) {
        let list = (response.proxied + response.direct + response.awaitingHeader).map(OpenConnection.init)
        if paused { heldConnections = list; heldConnectionsTime = now; return }
        load(connections: list, at: now)
    }

    /// A full list was asked for: connection events from now on are replayed on top of it.
    public mutating func connectionsRequested() {
        connectionEventsDuringLoad = []
    }

    mutating func load(connections list: [OpenConnection], at time: Date) {
        connections.load(list, at: time)
        let replay = connectionEventsDuringLoad ?? []
        connectionEventsDuringLoad = nil
        for event in replay { follow(connection: event) }
    }

    /// An event from the stream or a `GET /v1/events` page. Held while paused; duplicates
    /// (a sequence already seen, after a reconnect) are ignored. Costs the same whatever the
    /// number of connections: nothing here walks them.
    public mutating func apply(event item: Event) {
        if paused {
            heldEvents.append(item)
            if item.gate?.kind == .rejected { heldRejects += 1 }
            return
        }
        if item.sequence != 0 {
            if item.sequence <= lastSequence { return }
            lastSequence = item.sequence
        }
        if eventsCoverFrom == nil || item.time < eventsCoverFrom! { eventsCoverFrom = item.time }
        switch item.content {
        case .gate(let event): apply(gate: event)
        case .control(let event): apply(control: event)
        }
    }

    mutating func apply(gate event: GateEvent) {
        switch event.kind {
        case .rejected:
            recordReject(event)
            follow(connection: event)
            if event.connection != nil { connectionEventsDuringLoad?.append(event) }
        case .accepted, .proxied, .closed:
            follow(connection: event)
            connectionEventsDuringLoad?.append(event)
        }
    }

    mutating func apply(control event: ControlEvent) {
        switch event.kind {
        case .changeReverted:
            if let detail = event.detail { pendingChanges.removeAll { detail.contains($0.id) } }
            notice = Notice(text: "Change reverted: \(event.detail ?? "the pending change was undone")", isError: false)
        case .configChanged:
            if let detail = event.detail { notice = Notice(text: "Configuration changed: \(detail)", isError: false) }
        }
    }

    /// What an event changes in the open connections.
    mutating func follow(connection event: GateEvent) {
        guard let id = event.connection else { return }
        switch event.kind {
        case .accepted:
            let state = event.detail.flatMap(ConnectionState.init(rawValue:)) ?? .relayingDirect
            connections.add(OpenConnection(id: id, service: event.service ?? "?", peer: event.peer.map { "\($0)" } ?? "?",
                                           realClient: nil, entryID: event.entryID, entrySource: entrySource(event.entryID),
                                           state: state, started: event.time))
        case .proxied:
            connections.markProxied(id, realClient: event.realClient.map { "\($0)" })
        case .closed, .rejected:
            connections.remove(id)
        }
    }

    /// The source of the entry with this id, from the lists as loaded.
    func entrySource(_ id: String?) -> String? {
        guard let id else { return nil }
        for list in [whitelist, blacklist] {
            if let entry = list?.entries.first(where: { $0.id == id }) { return "\(entry.source)" }
        }
        return nil
    }

    /// Resuming after a pause: what was held, in order.
    mutating func applyHeld() {
        let held = heldEvents
        heldEvents = []
        heldRejects = 0
        if let list = heldConnections { heldConnections = nil; load(connections: list, at: heldConnectionsTime) }
        apply(events: held)
    }

    public mutating func apply(events: [Event]) {
        for event in events.sorted(by: { $0.sequence < $1.sequence }) { apply(event: event) }
        if !paused { resortRejects() }
    }

    /// A restarted daemon: its events are numbered from 1 again and what was counted is gone.
    public mutating func forgetEvents() {
        lastSequence = 0
        rejects = []
        rejectActivity = RejectActivity()
        eventsCoverFrom = nil
    }

    /// The daemon answered a write with its impact report instead of applying it: the impact
    /// dialog shows it (filling the one already open for that write, or opening one).
    public mutating func apply(impact: ImpactReport, for write: ListWrite) {
        if case .impact(var dialog)? = overlay, dialog.write == write {
            dialog.report = impact
            overlay = .impact(dialog)
        } else if overlay == nil {
            overlay = .impact(ImpactDialog(write: write, report: impact))
        } else {
            formSaveNeedsImpact(impact, for: write)
        }
    }

    /// The answer to a write: the pending change it started, if it could cut clients off.
    public mutating func apply(write response: EntryWriteResponse, for write: ListWrite) {
        if case .impact(let dialog)? = overlay, dialog.write == write { overlay = nil }
        formSaved(write)
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

    /// The link changed: when it drops, what is shown becomes "as of" the moment it did.
    public mutating func apply(link: LinkState) {
        if isLive, !link.isLive { lastLive = now }
        if link.isLive { lastLive = nil }
        if link == .connected, eventsCoverFrom == nil { eventsCoverFrom = now }
        self.link = link
    }

    /// The refresh tick: moves the clock.
    public mutating func tick(now: Date) {
        self.now = now
        tickRejects()
    }

    // MARK: What is known

    /// Fresh data: connected (or the fixture).
    public var isLive: Bool { link.isLive }
    /// Something was loaded from the daemon at some point (perhaps before the link dropped).
    public var knowsAnything: Bool { status != nil || whitelist != nil || blacklist != nil }
    /// Edits need the lists as the daemon has them now.
    public var canEdit: Bool { isLive && whitelist != nil && blacklist != nil }
    /// The keys that change anything are shown and answered: not with --readonly, and not
    /// while the lists are unknown or stale.
    public var offersEdits: Bool { !readonly && canEdit }

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
        if text.isEmpty { return rejects }
        return rejects.filter { Self.matches(text, [$0.source, $0.reason.rawValue, $0.services.joined(separator: ",")]) }
    }

    public func rowCount(_ view: ConsoleView) -> Int {
        switch view {
        case .connections: return connections.visibleCount
        case .rejects: return filter(for: .rejects).isEmpty ? rejects.count : visibleRejects.count
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

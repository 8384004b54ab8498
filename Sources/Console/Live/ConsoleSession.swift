import AccessPolicy
import ControlClient
import Foundation
import MailgateAPI

/// The live console: feeds a `ConsoleModel` from the control API and carries out its
/// commands. Network work runs in tasks that post their results to a mailbox; the main
/// loop (the only thread that touches curses) drains it on every tick (the data flows
/// one way: gate → control API → console model → views).
public final class ConsoleSession: @unchecked Sendable {
    public let socketPath: String
    /// Seconds between status refreshes (listener health, totals, pending changes). The
    /// connections and the lists follow the event stream instead of being polled.
    public var refreshInterval: Double = 2
    /// The daemon is the built-in sample (`mailgate tui --fixture`): the top bar says so.
    public var presentsFixture = false
    private let lock = NSLock()
    private var posted: [@Sendable (inout ConsoleModel) -> Void] = []
    private var stopRequested = false
    private var client: ControlClient?
    private var link: Task<Void, Never>?

    public init(socketPath: String) {
        self.socketPath = socketPath
    }

    // MARK: The mailbox between the network tasks and the main loop

    func post(_ change: @escaping @Sendable (inout ConsoleModel) -> Void) {
        lock.withLock { posted.append(change) }
    }

    /// Applies everything the network tasks posted since the last tick (main loop only).
    public func drain(into model: inout ConsoleModel) {
        let changes = lock.withLock { () -> [@Sendable (inout ConsoleModel) -> Void] in
            defer { posted.removeAll() }
            return posted
        }
        for change in changes { change(&model) }
        if lock.withLock({ stopRequested }) { model.quitRequested = true }
    }

    /// Whether anything waits in the mailbox.
    public var hasNews: Bool { lock.withLock { !posted.isEmpty || stopRequested } }

    /// Ends the console from outside (e.g. the demo stopping); thread-safe.
    public func requestStop() {
        lock.withLock { stopRequested = true }
    }

    // MARK: Running

    /// Runs the console on this thread until `q` (or `requestStop()`), with curses.
    public func run(theme: Theme, readonly: Bool, mouse: Bool, installSignalHandlers: Bool = true) throws {
        let backend = try CursesBackend(theme: theme, mouse: mouse, installSignalHandlers: installSignalHandlers)
        defer { backend.shutdown() }
        run(backend: backend, readonly: readonly)
    }

    /// Runs the console over any backend (the headless one in tests).
    public func run(backend: TerminalBackend, readonly: Bool) {
        let finished = DispatchSemaphore(value: 0)
        let link = Task.detached { [self] in
            do {
                try await ControlClient.with(socketPath: socketPath) { client in
                    self.lock.withLock { self.client = client }
                    await self.follow(client)
                    self.lock.withLock { self.client = nil }
                }
            } catch {}
            finished.signal()
        }
        lock.withLock { self.link = link }
        let app = ConsoleApp(model: ConsoleModel(now: Date(), link: .connecting, readonly: readonly), backend: backend,
                             perform: { [self] command, _ in perform(command) },
                             onTick: { [self] model in drain(into: &model) },
                             hasNews: { [self] in hasNews })
        app.run()
        link.cancel()
        _ = finished.wait(timeout: .now() + 5)
    }

    /// Loads everything, then follows the event stream and refreshes periodically; on a
    /// lost link says so and retries with backoff, reloading everything once back.
    func follow(_ client: ControlClient) async {
        var attempt = 0
        var wasConnected = false
        var lastSequence: UInt64 = 0
        var daemonStarted: Date?
        while !Task.isCancelled {
            do {
                // A quick connect() of our own first: the HTTP client would wait for its
                // connect timeout on a missing or refusing socket; this gives the errno now.
                if let code = ControlClient.probe(socketPath) { throw LinkFailure(code: code) }
                let status = try await client.call(Endpoints.status)
                if daemonStarted != status.started {
                    // A restarted daemon numbers its events from 1 again.
                    lastSequence = 0
                    post { $0.forgetEvents() }
                }
                daemonStarted = status.started
                let loaded = try await loadAll(client, status: status)
                lastSequence = max(lastSequence, loaded)
                attempt = 0
                wasConnected = true
                let link: LinkState = presentsFixture ? .fixture : .connected
                post { $0.apply(link: link) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    let since = lastSequence
                    group.addTask { try await self.stream(client, since: since) }
                    group.addTask { try await self.refreshLoop(client) }
                    try await group.next()
                    group.cancelAll()
                }
                throw ControlClient.Failure.unreachable(socket: socketPath, reason: "the event stream ended")
            } catch {
                if Task.isCancelled { return }
                attempt += 1
                let code = Self.errnoCode(for: error, socket: socketPath)
                let state = LinkProblem.state(errno: code, socket: socketPath, wasConnected: wasConnected, attempt: attempt)
                post { $0.apply(link: state) }
                let delay = min(0.25 * pow(2, Double(min(attempt, 5))), 5)
                try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
        }
    }

    /// Status, both lists, connections and the recent events; returns the newest sequence.
    func loadAll(_ client: ControlClient, status: StatusResponse) async throws -> UInt64 {
        let whitelist = try await client.call(Endpoints.list(.whitelist))
        let blacklist = try await client.call(Endpoints.list(.blacklist))
        post { $0.connectionsRequested() }
        let connections = try await client.call(Endpoints.connections)
        let events = try await client.call(Endpoints.events, query: [URLQueryItem(name: "limit", value: "1000")]).events
        post {
            $0.apply(status: status)
            $0.apply(list: whitelist)
            $0.apply(list: blacklist)
            $0.apply(connections: connections)
            $0.apply(events: events)
        }
        try await reloadAudit(client)
        return events.map(\.sequence).max() ?? 0
    }

    func reloadLists(_ client: ControlClient) async throws {
        let status = try await client.call(Endpoints.status)
        let whitelist = try await client.call(Endpoints.list(.whitelist))
        let blacklist = try await client.call(Endpoints.list(.blacklist))
        post {
            $0.apply(list: whitelist)
            $0.apply(list: blacklist)
            $0.apply(status: status)
        }
    }

    /// The full connection list, once: events that arrive meanwhile are replayed on top of it.
    func reloadConnections(_ client: ControlClient) async throws {
        post { $0.connectionsRequested() }
        let connections = try await client.call(Endpoints.connections)
        post { $0.apply(connections: connections) }
    }

    /// Follows the stream: every event goes to the model (which keeps the connections up to
    /// date from them); a config event reloads the lists once (the one reload a write causes);
    /// a gap in the sequence (the daemon dropped events for a slow reader) reloads what the
    /// missing events could have changed.
    func stream(_ client: ControlClient, since: UInt64) async throws {
        var last = since
        for try await event in try await client.events(query: since > 0 ? [URLQueryItem(name: "since", value: "\(since)")] : []) {
            let followUp = StreamFollowUp.after(event, previous: last)
            last = max(last, event.sequence)
            post { $0.apply(event: event) }
            switch followUp {
            case .nothing: break
            case .lists:
                try await reloadLists(client)
                try await reloadAudit(client)
            case .everything:
                try await reloadConnections(client)
                try await reloadLists(client)
                try await reloadAudit(client)
            }
        }
    }

    /// The status every few seconds: listener health, the daemon's totals and pending changes.
    func refreshLoop(_ client: ControlClient) async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(Int(refreshInterval * 1000)))
            let status = try await client.call(Endpoints.status)
            post { $0.apply(status: status) }
        }
    }

    // MARK: Carrying out the model's commands

    /// One request to the control API.
    public struct Request: Hashable, Sendable {
        public var method: APIMethod
        public var path: String
        public var body: EntryWriteRequest?
        public var ifMatch: String?
    }

    static func body(_ draft: EntryDraft, acknowledged: Bool) -> EntryWriteRequest {
        EntryWriteRequest(source: draft.source, description: draft.description, services: draft.services,
                          tcpProxy: draft.tcpProxy, enabled: draft.enabled, acknowledgeImpact: acknowledged ? true : nil)
    }

    /// The request a write becomes; only the impact dialog's `E` sends it acknowledged.
    static func request(for write: ListWrite, acknowledged: Bool) -> Request {
        switch write.action {
        case .add(let draft):
            let endpoint = Endpoints.addEntry(write.list)
            return Request(method: endpoint.method, path: endpoint.path(), body: body(draft, acknowledged: acknowledged), ifMatch: write.revision)
        case .update(let id, let draft):
            let endpoint = Endpoints.updateEntry(write.list)
            return Request(method: endpoint.method, path: endpoint.path(id: id), body: body(draft, acknowledged: acknowledged),
                           ifMatch: write.revision)
        case .remove(let id):
            let endpoint = Endpoints.removeEntry(write.list)
            let query = acknowledged ? [URLQueryItem(name: "acknowledge_impact", value: "true")] : []
            return Request(method: endpoint.method, path: endpoint.path(id: id, query: query), ifMatch: write.revision)
        }
    }

    /// The request a command becomes (nil for `quit`).
    public static func request(for command: ConsoleCommand) -> Request? {
        switch command {
        case .write(let write): request(for: write, acknowledged: false)
        case .acknowledgedWrite(let write): request(for: write, acknowledged: true)
        case .confirmChange(let id): Request(method: Endpoints.confirmChange.method, path: Endpoints.confirmChange.path(id: id))
        case .revertChange(let id): Request(method: Endpoints.revertChange.method, path: Endpoints.revertChange.path(id: id))
        case .quit: nil
        }
    }

    /// Starts carrying out a command; its answer (or refusal) reaches the model on a later tick.
    public func perform(_ command: ConsoleCommand) {
        guard let request = Self.request(for: command), let client = lock.withLock({ client }) else {
            if command != .quit {
                post { $0.apply(refusal: "Not connected to the daemon: nothing was sent.", to: command) }
            }
            return
        }
        Task.detached { [self] in
            do {
                let body = try request.body.map { try JSONEncoder().encode($0) }
                let reply = try await client.send(request.method, request.path, body: body, ifMatch: request.ifMatch)
                switch command {
                case .confirmChange, .revertChange:
                    let change = try ControlClient.decode(PendingChangeInfo.self, reply)
                    let confirmed = command == .confirmChange(id: change.id)
                    post {
                        $0.apply(settled: change)
                        $0.notice = Notice(text: confirmed ? "Change confirmed: \(change.summary) stays." : "Change undone: \(change.outcome ?? change.summary).", isError: false)
                    }
                case .write(let write), .acknowledgedWrite(let write):
                    if reply.status == 409, let refusal = ControlClient.errorBody(reply),
                       refusal.error.code == .acknowledgeImpactRequired, let impact = refusal.error.impact {
                        post { $0.apply(impact: impact, for: write) }
                        return
                    }
                    let written = try ControlClient.decode(EntryWriteResponse.self, reply)
                    post { $0.apply(write: written, for: write) }
                case .quit:
                    break
                }
                // The lists come back with the stream's config event (one reload, not one per path).
            } catch {
                let message: String
                if case ControlClient.Failure.refused(_, let body) = error {
                    message = ConsoleModel.refusalWords(code: body.error.code, message: body.error.message)
                } else {
                    message = "\(error)"
                }
                post { $0.apply(refusal: message, to: command) }
                try? await reloadLists(client)
            }
        }
    }

    // MARK: Why the link failed

    struct LinkFailure: Error { var code: Int32 }

    /// The errno that best explains a failure to reach the socket, for `LinkProblem`.
    /// What the path is comes first: connect() on a regular file says "refused", which
    /// would read as a stale socket.
    public static func errnoCode(for error: any Error, socket path: String) -> Int32 {
        var info = stat()
        if stat(path, &info) != 0 {
            let code = errno
            if let failure = error as? LinkFailure { return failure.code }
            return code == 0 ? ENOENT : code
        }
        if (info.st_mode & 0o170000) != 0o140000 { return ENOTSOCK }  // S_IFMT, S_IFSOCK
        if let failure = error as? LinkFailure { return failure.code }
        if access(path, R_OK | W_OK) != 0 { return EACCES }
        if case ControlClient.Failure.unreachable(_, _, let code?) = error { return code }
        return ECONNRESET
    }
}

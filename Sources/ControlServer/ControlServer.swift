import AccessPolicy
import Foundation
import Gate
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The control API's HTTP server on the Unix socket of `[control] socket`: mode 0660 (the
/// umask is set around the bind), group `[control] group`, a live daemon's socket never
/// taken over, the socket removed again on `stop()`.
public final class ControlServer: Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public let api: ControlAPI
    private let socketGuard: SocketGuard
    private let logger: Logger
    private let running = Mutex<(group: ServiceGroup?, task: Task<Void, Never>?)>((nil, nil))
    /// Timeouts and the cap on connections to the socket.
    public let limits: ControlConnectionLimits
    private let connections = ControlConnections()

    public init(api: ControlAPI, logger: Logger, limits: ControlConnectionLimits = ControlConnectionLimits()) {
        self.api = api
        self.logger = logger
        self.limits = limits
        self.socketGuard = SocketGuard(socketPath: api.configuration.control.socket)
    }

    /// Control connections open now.
    public var openConnections: Int { connections.count }

    public var socketPath: String { api.configuration.control.socket }

    /// Serialises the umask change of servers starting in the same process (tests start many).
    static let umaskSection = SerialSection()

    public func start() async throws(StartError) {
        let control = api.configuration.control
        var groupID: gid_t?
        if let name = control.group {
            guard let entry = getgrnam(name) else {
                throw StartError(description: "[control] group \"\(name)\" does not exist; create it or leave the key out")
            }
            groupID = entry.pointee.gr_gid
        }
        do { try socketGuard.acquire() } catch { throw StartError(description: error.description) }

        let router = Router(context: ControlContext.self)
        api.register(on: router)
        var serverLogger = logger
        serverLogger.logLevel = max(logger.logLevel, .notice)
        let (ready, readySignal) = AsyncStream<String?>.makeStream()
        let app = Application(router: router, server: .control(limits: limits, connections: connections),
                              configuration: .init(address: .unixDomainSocket(path: control.socket)),
                              onServerRunning: { _ in readySignal.yield(nil) }, logger: serverLogger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: serverLogger))
        // 0660: the umask is process-wide, so it is set only around the bind, one server at a time.
        await Self.umaskSection.acquire()
        let previousMask = umask(0o117)
        let task = Task {
            do {
                try await group.run()
                readySignal.yield("the control server stopped")
            } catch {
                readySignal.yield("\(error)")
            }
        }
        var iterator = ready.makeAsyncIterator()
        let failure = await iterator.next() ?? "the control server did not start"
        umask(previousMask)
        await Self.umaskSection.release()
        if let failure {
            task.cancel()
            socketGuard.release()
            throw StartError(description: "cannot serve the control socket \(control.socket): \(failure)")
        }
        running.withLock { $0 = (group, task) }
        if let groupID, chown(control.socket, uid_t.max, groupID) != 0 {
            logger.error("cannot give the control socket \(control.socket) to group \(control.group ?? ""): \(String(cString: strerror(errno)))")
        }
        logger.notice("control API on \(control.socket)")
    }

    /// Ends live streams, stops accepting and removes the socket. Requests under way may
    /// finish until `deadline`; connections still open then are closed, so that a stalled
    /// client (a header and one byte of its body, say) never holds a shutdown hostage.
    public func stop(deadline: ContinuousClock.Instant = .now + .seconds(5)) async {
        let (group, task) = running.withLock { running in
            defer { running = (nil, nil) }
            return running
        }
        api.streams.finishAll()
        await group?.triggerGracefulShutdown()
        if let task {
            let connections = connections
            let logger = logger
            await withTaskGroup(of: Bool.self) { waiters in
                waiters.addTask { await task.value; return true }
                waiters.addTask { (try? await Task.sleep(until: deadline, clock: .continuous)) != nil ? false : true }
                guard await waiters.next() == false else {
                    waiters.cancelAll()
                    return
                }
                let left = connections.count
                if left > 0 { logger.notice("closing \(left) control connection(s) still open at the shutdown deadline") }
                connections.closeAll()
                // Closing them ends the server; should it not, stop waiting after a moment all the same.
                waiters.addTask { (try? await Task.sleep(for: .seconds(2))) != nil ? false : true }
                _ = await waiters.next()
                waiters.cancelAll()
            }
        }
        socketGuard.release()
    }
}

/// An async mutual-exclusion section (a Mutex cannot be held across the bind's await).
actor SerialSection {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}

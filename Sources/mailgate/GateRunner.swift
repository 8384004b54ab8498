import AccessPolicy
import ArgumentParser
import ControlServer
import Foundation
import Gate
import Logging
import Prometheus

/// Runs a gate until SIGTERM or SIGINT: binds, watches the access file (SIGHUP reloads),
/// then drains for the configured grace period. Shared by `serve` and `demo`.
struct GateRunner {
    let configuration: GateConfiguration
    let lists: AccessLists
    let logger: Logger

    /// `alongside` runs while the gate serves and is cancelled when it stops; with
    /// `stopWhenDone`, the gate also stops when `alongside` returns (the demo's console quit)
    /// and on SIGHUP (its terminal went away) instead of reloading.
    func run(stopWhenDone: Bool = false, alongside: @escaping @Sendable (Gate) async -> Void = { _ in }) async throws {
        // Taken over before anything listens: a SIGTERM right after the ports open must drain, not kill.
        let signals = SignalStream.make([SIGHUP, SIGTERM, SIGINT])
        let services = configuration.serviceNames
        let prometheus = PrometheusCollectorRegistry()
        let controlLimits = ControlConnectionLimits()
        let (configuration, descriptors) = try Self.fitToDescriptorLimit(configuration, controlLimits: controlLimits, logger: logger)
        let gate = Gate(configuration: configuration, policy: AccessPolicy(lists: lists, services: services), logger: logger,
                        metrics: .prometheus(prometheus), descriptors: descriptors)
        let store: AccessStore
        do {
            store = try AccessStore(configuration: configuration, gate: gate.state, audit: AuditLog(path: configuration.auditLogPath))
        } catch {
            Terminal.printError("\(error)")
            throw ExitCode(1)
        }
        let control = ControlServer(api: ControlAPI(configuration: configuration, store: store, gate: gate.state,
                                                    version: MailgateVersion.current, prometheus: prometheus),
                                    logger: logger, limits: controlLimits)
        do {
            try await control.start()
        } catch {
            Terminal.printError("\(error)")
            throw ExitCode(1)
        }
        do {
            try await gate.start()
        } catch {
            Terminal.printError("\(error)")
            await control.stop()
            await gate.shutdown(grace: .zero)
            throw ExitCode(1)
        }
        logger.notice("mailgate \(MailgateVersion.current) serving \(configuration.listeners.count) listener(s); access file \(configuration.accessFile): \(Self.summary(store.current.lists))")

        let watcher = AccessFileWatcher(path: configuration.accessFile) { store.reload(trigger: "file changed") }
        watcher.start()
        let (stops, stopper) = AsyncStream.makeStream(of: Int32.self)
        let forwarder = Task { for await signal in signals { stopper.yield(signal) } }
        let companion = Task {
            await alongside(gate)
            if stopWhenDone { stopper.yield(SIGTERM) }
        }

        for await signal in stops {
            if signal == SIGHUP, !stopWhenDone {
                store.reload(trigger: "SIGHUP")
                continue
            }
            logger.notice("stopping: no new connections; open ones have \(configuration.shutdownGrace.configText) to finish")
            break
        }
        // The grace period is absolute and starts now. The gate's listeners close first, at
        // once; the control API stops alongside the drain, by the same deadline, so that no
        // control client (a stalled request, a live event stream) can delay either.
        let deadline = ContinuousClock.now + configuration.shutdownGrace
        let draining = Task { await gate.shutdown(grace: configuration.shutdownGrace) }
        forwarder.cancel()
        companion.cancel()
        if stopWhenDone { await companion.value }
        watcher.stop()
        store.stop()
        await control.stop(deadline: deadline)
        await draining.value
        logger.notice("stopped")
    }

    /// Raises the soft descriptor limit to the hard one and fits `max_connections` to it: two
    /// descriptors per relayed connection, and a reserve the gate's sockets never touch (the
    /// runtime aborts the process when it cannot open a file). Lowered loudly, never silently.
    static func fitToDescriptorLimit(_ configuration: GateConfiguration, controlLimits: ControlConnectionLimits,
                                     logger: Logger) throws -> (GateConfiguration, DescriptorBudget) {
        guard let (soft, hard) = DescriptorPlan.raisingSoftLimit() else {
            logger.warning("cannot read the descriptor limit (RLIMIT_NOFILE); max_connections is not checked against it")
            return (configuration, DescriptorBudget())
        }
        let listenSockets = configuration.listeners.reduce(0) { $0 + $1.listen.count }
        let plan = DescriptorPlan(softLimit: soft, hardLimit: hard,
                                  reserve: DescriptorPlan.reserve(listenSockets: listenSockets,
                                                                  controlConnections: controlLimits.maxConnections),
                                  requestedConnections: configuration.limits.maxConnections)
        guard plan.maxConnections >= 1 else {
            Terminal.printError("the descriptor limit \(soft) (hard limit \(hard)) leaves no room for connections after the "
                                + "reserve of \(plan.reserve) descriptors; raise it (ulimit -n, or LimitNOFILE= in the systemd unit)")
            throw ExitCode(1)
        }
        if let message = plan.clampMessage { logger.warning("\(message)") }
        logger.notice("descriptor limit \(soft) (hard \(hard)): up to \(plan.socketBudget) gate sockets, max_connections \(plan.maxConnections), reserve \(plan.reserve)")
        var fitted = configuration
        fitted.limits.maxConnections = plan.maxConnections
        return (fitted, DescriptorBudget(sockets: plan.socketBudget))
    }

    static func summary(_ lists: AccessLists) -> String {
        let flagged = lists.whitelist.filter { $0.tcpProxy && $0.enabled }.count
        return "\(lists.whitelist.count) whitelist entries (\(flagged) with tcp_proxy), \(lists.blacklist.count) blacklist entries"
    }

    static func makeLogger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "mailgate") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = level
        return logger
    }
}

/// Delivers POSIX signals as an async sequence (their default actions are switched off).
enum SignalStream {
    static func make(_ signals: [Int32]) -> AsyncStream<Int32> {
        AsyncStream { continuation in
            let sources = signals.map { number -> DispatchSourceSignal in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { continuation.yield(number) }
                source.resume()
                return source
            }
            let held = HeldSignalSources(sources: sources)
            continuation.onTermination = { _ in held.cancel() }
        }
    }
}

/// Keeps the signal sources alive for as long as the stream; `cancel()` is thread-safe.
private final class HeldSignalSources: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    init(sources: [DispatchSourceSignal]) { self.sources = sources }
    func cancel() { sources.forEach { $0.cancel() } }
}

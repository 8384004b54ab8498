import AccessPolicy
import ArgumentParser
import Control
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
        let gate = Gate(configuration: configuration, policy: AccessPolicy(lists: lists, services: services), logger: logger,
                        metrics: .prometheus(prometheus))
        let store: AccessStore
        do {
            store = try AccessStore(configuration: configuration, gate: gate.state, audit: AuditLog(path: configuration.auditLogPath))
        } catch {
            Terminal.printError("\(error)")
            throw ExitCode(1)
        }
        let control = ControlServer(api: ControlAPI(configuration: configuration, store: store, gate: gate.state,
                                                    version: MailgateVersion.current, prometheus: prometheus),
                                    logger: logger)
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

import AccessPolicy
import ControlServer
import Foundation
import Gate
import Logging
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The composition root: the gate, the control API and the access-file watcher as services
/// of one service group. SIGTERM and SIGINT drain and stop (the grace period is absolute);
/// SIGHUP reloads the access file. Shared by `mailgate serve` and the demo.
public struct Daemon: Sendable {
    public let configuration: GateConfiguration
    public let lists: AccessLists
    public let logger: Logger
    /// Reported by the control API and in the start-up line.
    public let version: String

    public init(configuration: GateConfiguration, lists: AccessLists, logger: Logger, version: String) {
        self.configuration = configuration
        self.lists = lists
        self.logger = logger
        self.version = version
    }

    /// Runs until SIGTERM or SIGINT (or until `companion` ends, when it stops the daemon).
    /// Throws when the daemon cannot start: the descriptor limit, the access store (a crashed
    /// write is finished or dropped first), the control socket, a listen address.
    public func run(beside companion: Companion? = nil) async throws(DaemonFailure) {
        // Default actions off before anything listens (the service group traps SIGTERM and SIGINT,
        // this sequence SIGHUP): a signal right after the ports open must drain or reload, not kill.
        for number in [SIGTERM, SIGINT, SIGHUP] { signal(number, SIG_IGN) }
        let reloadsOnHangup = companion?.stopsDaemonWhenDone != true
        let hangups = reloadsOnHangup ? await UnixSignalsSequence(trapping: .sighup) : nil

        let prometheus = PrometheusCollectorRegistry()
        let controlLimits = ControlConnectionLimits()
        let (configuration, descriptors) = try DescriptorLimitFit.fit(self.configuration, controlLimits: controlLimits,
                                                                      logger: logger)
        let gate = Gate(configuration: configuration, policy: AccessPolicy(lists: lists, services: configuration.serviceNames),
                        logger: logger, metrics: .prometheus(prometheus), descriptors: descriptors)
        let store: AccessStore
        do {
            store = try AccessStore(configuration: configuration, gate: gate.state, audit: AuditLog(path: configuration.auditLogPath))
        } catch {
            throw DaemonFailure("\(error)")
        }
        let server = ControlServer(api: ControlAPI(configuration: configuration, store: store, gate: gate.state,
                                                   version: version, prometheus: prometheus),
                                   logger: logger, limits: controlLimits)

        let shutdown = DaemonShutdown(grace: configuration.shutdownGrace) { [logger] in
            logger.notice("stopping: no new connections; open ones have \(configuration.shutdownGrace.configText) to finish")
        }
        let services = services(configuration: configuration, gate: gate, store: store, server: server, shutdown: shutdown,
                                hangups: hangups, companion: companion)
        // A service returns only once the daemon stops; whichever returns first stops the rest.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: reloadsOnHangup ? [.sigterm, .sigint] : [.sigterm, .sigint, .sighup],
            logger: logger))
        do {
            try await group.run()
        } catch let failure as DaemonFailure {
            throw failure
        } catch {
            throw DaemonFailure("\(error)")
        }
        logger.notice("stopped")
    }

    /// In start order (the group asks them to end in reverse): the control API, the gate once
    /// the API is up, the watcher, SIGHUP reloads, and the companion once the gate serves.
    private func services(configuration: GateConfiguration, gate: Gate, store: AccessStore, server: ControlServer,
                          shutdown: DaemonShutdown, hangups: UnixSignalsSequence?, companion: Companion?) -> [any Service] {
        let (logger, version) = (self.logger, self.version)
        let control = ControlService(server: server, store: store, shutdown: shutdown)
        let gateService = GateService(gate: gate, controlRunning: control.running, shutdown: shutdown) {
            logger.notice("mailgate \(version) serving \(configuration.listeners.count) listener(s); access file \(configuration.accessFile): \(store.current.lists.summary)")
        }
        let watcher = AccessFileWatcher(path: configuration.accessFile) { store.reload(trigger: "file changed") }
        var services: [any Service] = [control, gateService, AccessFileWatcherService(watcher: watcher, shutdown: shutdown)]
        if let hangups { services.append(HangupReloadService(hangups: hangups, store: store, shutdown: shutdown)) }
        if let companion {
            services.append(CompanionService(companion: companion, daemon: RunningDaemon(gate: gate),
                                             gateServing: gateService.serving, shutdown: shutdown))
        }
        return services
    }
}

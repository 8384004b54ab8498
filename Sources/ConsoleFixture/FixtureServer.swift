import AccessPolicy
import ControlServer
import Foundation
import Gate
import Logging
import MailgateAPI
import NetAddress
import Prometheus

/// The real control API in-process over the console's sample site: a `ControlServer` on a
/// Unix socket in a temporary folder, with the fixture's access file, and a gate state (no
/// listener) holding the sample connections, the recent rejects and the traffic the impact
/// report counts. The console talks to it through its real client, so what it shows is what
/// the daemon would answer. For `mailgate tui --fixture`.
public final class FixtureServer: Sendable {
    public let folder: String
    public let server: ControlServer
    public let gate: GateState
    public var socketPath: String { server.socketPath }
    private let traffic: Task<Void, Never>?

    private init(folder: String, server: ControlServer, gate: GateState, traffic: Task<Void, Never>?) {
        self.folder = folder
        self.server = server
        self.gate = gate
        self.traffic = traffic
    }

    public struct SetupError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts the server; with `liveTraffic`, a made-up reject every few seconds keeps the screen moving.
    public static func start(now: Date = Date(), liveTraffic: Bool = false) async throws -> FixtureServer {
        var template = Array("/tmp/mailgate-fixture-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SetupError(description: "cannot create a temporary folder in /tmp") }
        let folder = String(cString: made)
        let lists = ConsoleFixture.lists
        try lists.save(to: folder + "/access.toml")
        let configuration = GateConfiguration(
            path: folder + "/mailgate.toml", accessFile: folder + "/access.toml",
            control: ControlConfiguration(socket: folder + "/control.sock", revertAfter: .seconds(120)),
            listeners: ConsoleFixture.listeners)
        var logger = Logger(label: "mailgate-fixture")
        logger.logLevel = .critical  // the console owns the terminal
        let registry = PrometheusCollectorRegistry()
        let policy = AccessPolicy(lists: lists, services: configuration.listeners.map(\.service))
        let gate = GateState(policy: policy, limits: ConnectionLimits(), logger: logger, metrics: .prometheus(registry))
        seed(gate, policy: policy, now: now)
        let store = try AccessStore(configuration: configuration, gate: gate, audit: AuditLog(path: configuration.auditLogPath))
        let api = ControlAPI(configuration: configuration, store: store, gate: gate, version: "fixture",
                             prometheus: registry, started: now.addingTimeInterval(-11_520))
        let server = ControlServer(api: api, logger: logger)
        do { try await server.start() } catch { throw SetupError(description: error.description) }
        let traffic = liveTraffic ? Task { await synthesize(into: gate) } : nil
        return FixtureServer(folder: folder, server: server, gate: gate, traffic: traffic)
    }

    public func stop() async {
        traffic?.cancel()
        server.api.store.stop()
        await server.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The sample connections, rejects and traffic, as if the gate had seen them.
    static func seed(_ gate: GateState, policy: AccessPolicy, now: Date) {
        let connections = ConsoleFixture.connections(now: now)
        for sample in connections.proxied + connections.direct + connections.awaitingHeader {
            gate.registry.admitSample(sample, entry: policy.match(sample.peer.address, service: sample.service))
        }
        for event in ConsoleFixture.events(now: now) {
            if let rejected = event.gate { gate.record(rejected) }
        }
        let seconds = Int64(now.timeIntervalSince1970)
        for seen in ConsoleFixture.traffic {
            for (measure, lastMinute, last15Minutes) in seen.counts {
                for _ in 0..<lastMinute { gate.windows.record(measure, source: seen.source, service: seen.service, at: seconds - 10) }
                for _ in 0..<(last15Minutes - lastMinute) {
                    gate.windows.record(measure, source: seen.source, service: seen.service, at: seconds - 300)
                }
            }
        }
    }

    /// A reject every three seconds, from the usual suspects.
    static func synthesize(into gate: GateState) async {
        var tick = 0
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(3)) } catch { return }
            let samples: [(String, String, RejectReason)] = [
                ("203.0.113.8", "imap", .proxyHeaderFromUntrustedSource),
                ("198.51.100.\(23 + tick % 5)", "smtp", .blacklisted),
                ("203.0.113.8", "pop3", .proxyHeaderFromUntrustedSource),
            ]
            let (peer, service, reason) = samples[tick % samples.count]
            gate.record(GateEvent(kind: .rejected, service: service, peer: IPAddress(peer), reason: reason))
            tick += 1
        }
    }
}

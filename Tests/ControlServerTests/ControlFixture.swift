import TestSupport
import AccessPolicy
import ControlClient
import ControlServer
import Demo
import Foundation
import Logging
import MailgateAPI
import NIOCore
import NIOPosix
import NetAddress
import Prometheus
@testable import ControlServer
@testable import Gate

/// A gate and its control server in-process: a temp folder with the access file, the audit
/// log and the control socket; the gate on 127.0.0.1 (port 0) in front of a greeting server.
/// Everything is torn down after `body`, whatever happens.
struct ControlFixture {
    let folder: String
    let configuration: GateConfiguration
    let gate: Gate
    let server: ControlServer
    let group: EventLoopGroup
    /// The gate's upstream (expects a PROXY header).
    let upstream: GreetingServer

    var socket: String { configuration.control.socket }
    var accessFile: String { configuration.accessFile }
    var store: AccessStore { server.api.store }
    var gatePort: Int { gate.boundAddresses.first?.port ?? 0 }
    var accessBytes: Data { FileManager.default.contents(atPath: accessFile) ?? Data() }

    static let access = """
        [[whitelist]]
        id = "wlb"
        source = "127.0.0.2"
        description = "lb1"
        services = ["imap"]

        [[whitelist]]
        id = "wflagged"
        source = "127.0.0.3"
        services = ["imap"]
        tcp_proxy = true

        [[blacklist]]
        id = "bbad"
        source = "127.0.0.66"

        """

    func client<T: Sendable>(_ body: (ControlClient) async throws -> T) async throws -> T {
        try await ControlClient.with(socketPath: socket, body)
    }

    /// Sends a request; returns the status and the body as JSON-decoded `T` (or the error body).
    func send(_ method: ControlClient.Method, _ path: String, json: String? = nil, ifMatch: String? = nil) async throws -> ControlClient.Reply {
        try await client { try await $0.send(method, path, body: json.map { Data($0.utf8) }, ifMatch: ifMatch) }
    }

    func get<T: Decodable & Sendable>(_ type: T.Type, _ path: String) async throws -> T {
        try ControlClient.decode(type, try await send(.GET, path))
    }

    var revision: String { store.current.revision }

    /// A TCP connection to the gate from `source` (127.0.0.N).
    func connect(from source: String) async throws -> Channel {
        try await ClientBootstrap(group: group)
            .bind(to: try SocketAddress(ipAddress: source, port: 0))
            .connect(host: "127.0.0.1", port: gatePort).get()
    }

    /// Polls `condition` until it holds or `timeout` passes (then fails the test).
    func eventually(_ what: String, timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
        try await TestSupport.eventually(within: timeout, what, condition)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

func decode<T: Decodable>(_ type: T.Type, _ reply: ControlClient.Reply) throws -> T {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return try decoder.decode(type, from: reply.body)
}

func errorCode(_ reply: ControlClient.Reply) -> String? {
    (try? JSONDecoder().decode(APIErrorBody.self, from: reply.body))?.error.code.rawValue
}

func makeTemporaryFolder() throws -> String {
    try TemporaryDirectory(prefix: "mgc").path
}

func withControl(revertAfter: Duration = .seconds(120), access: String = ControlFixture.access,
                 controlLimits: ControlConnectionLimits = ControlConnectionLimits(),
                 beforeStart: (String) throws -> Void = { _ in },
                 _ body: (ControlFixture) async throws -> Void) async throws {
    let folder = try makeTemporaryFolder()
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let upstream = GreetingServer(expectsProxyHeader: true)
    let upstreamPort = try await upstream.start(group: group)
    try access.write(toFile: folder + "/access.toml", atomically: true, encoding: .utf8)
    let listener = ListenerConfiguration(
        service: "imap", listen: [SocketEndpoint(address: .v4(0x7F00_0001), port: 0)],
        upstream: SocketEndpoint(address: .v4(0x7F00_0001), port: UInt16(upstreamPort)),
        upstreamProxy: .v2, proxyHeaderTimeout: .seconds(5), replyProtocol: .imap, connectTimeout: .seconds(2))
    let configuration = GateConfiguration(
        path: folder + "/mailgate.toml", accessFile: folder + "/access.toml",
        control: ControlConfiguration(socket: folder + "/run/control.sock", revertAfter: revertAfter),
        listeners: [listener])
    var logger = Logger(label: "control-test")
    logger.logLevel = .critical
    let registry = PrometheusCollectorRegistry()
    let gate = Gate(configuration: configuration, policy: AccessPolicy(lists: AccessLists(), services: ["imap"]),
                    logger: logger, group: group, metrics: .prometheus(registry))
    let store = try AccessStore(configuration: configuration, gate: gate.state, audit: AuditLog(path: configuration.auditLogPath))
    let server = ControlServer(api: ControlAPI(configuration: configuration, store: store, gate: gate.state, version: "test",
                                               prometheus: registry, heartbeat: .milliseconds(200)), logger: logger,
                               limits: controlLimits)
    try beforeStart(configuration.control.socket)
    try await gate.start()
    try await server.start()
    let fixture = ControlFixture(folder: folder, configuration: configuration, gate: gate, server: server, group: group,
                                 upstream: upstream)
    func tearDown() async {
        store.stop()
        await server.stop()
        await gate.shutdown(grace: .zero)
        await upstream.stop()
        try? await group.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: folder)
    }
    do {
        try await body(fixture)
    } catch {
        await tearDown()
        throw error
    }
    await tearDown()
}

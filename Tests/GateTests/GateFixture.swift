import AccessPolicy
import Demo
import Logging
import NIOCore
import NIOPosix
import NetAddress
@testable import Gate

/// A gate in-process on 127.0.0.1 in front of a `GreetingServer`, torn down after `body`
/// whatever happens.
struct GateFixture {
    let gate: Gate
    let upstream: GreetingServer
    let group: EventLoopGroup

    var port: Int { gate.boundAddresses.first?.port ?? 0 }

    func connect(from source: String) async throws -> TestClient {
        try await TestClient.connect(from: source, to: port, group: group)
    }

    func connect(from source: String, to endpoint: SocketEndpoint) async throws -> TestClient {
        let port = gate.boundAddresses.first { SocketEndpoint($0)?.address == endpoint.address }?.port ?? 0
        return try await TestClient.connect(from: source, to: port, host: endpoint.address.description, group: group)
    }

    /// The reasons of every reject recorded so far, in order.
    var rejectReasons: [RejectReason] {
        gate.state.journal.recent().compactMap(\.gate).compactMap { $0.kind == .rejected ? $0.reason : nil }
    }
}

func entry(_ source: String, _ services: [String] = ["all"], proxy: Bool = false) -> AccessEntry {
    AccessEntry(id: source, source: try! AddressSource(parsing: source), description: "test \(source)",
                services: ServiceSet(names: services), tcpProxy: proxy)
}

func withGate(
    whitelist: [AccessEntry] = [entry("127.0.0.2", ["imap"], proxy: true)],
    blacklist: [AccessEntry] = [entry("127.0.0.66")],
    replyProtocol: ReplyProtocol = .imap,
    headerTimeout: Duration = .seconds(5),
    upstreamDown: Bool = false,
    limits: ConnectionLimits = ConnectionLimits(),
    listen: [SocketEndpoint] = [SocketEndpoint(address: .v4(0x7F00_0001), port: 0)],
    idleTimeout: Duration = .seconds(60),
    upstreamPort customUpstream: Int? = nil,
    descriptors: DescriptorBudget = DescriptorBudget(),
    _ body: (GateFixture) async throws -> Void
) async throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    let upstream = GreetingServer(expectsProxyHeader: true)
    var upstreamPort = 1  // nothing listens on port 1: "upstream down"
    if let customUpstream {
        upstreamPort = customUpstream
    } else if !upstreamDown {
        upstreamPort = try await upstream.start(group: group)
    }
    let listener = ListenerConfiguration(
        service: "imap", listen: listen,
        upstream: SocketEndpoint(address: .v4(0x7F00_0001), port: UInt16(upstreamPort)),
        upstreamProxy: .v2, proxyHeaderTimeout: headerTimeout, replyProtocol: replyProtocol,
        connectTimeout: .seconds(2), idleTimeout: idleTimeout)
    let configuration = GateConfiguration(path: "test.toml", accessFile: "access.toml", listeners: [listener], limits: limits)
    let policy = AccessPolicy(lists: AccessLists(whitelist: whitelist, blacklist: blacklist), services: ["imap"])
    var logger = Logger(label: "gate-test")
    logger.logLevel = .critical
    let gate = Gate(configuration: configuration, policy: policy, logger: logger, group: group, descriptors: descriptors)
    try await gate.start()
    let fixture = GateFixture(gate: gate, upstream: upstream, group: group)
    do {
        try await body(fixture)
    } catch {
        await gate.shutdown(grace: .zero)
        await upstream.stop()
        try? await group.shutdownGracefully()
        throw error
    }
    await gate.shutdown(grace: .zero)
    await upstream.stop()
    try await group.shutdownGracefully()
}

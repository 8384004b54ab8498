import AccessPolicy
import Foundation
import Logging
import NIOCore
import NIOPosix
import NetAddress
import Synchronization

/// The gate: every listener of `mailgate.toml` bound and serving, sharing one `GateState`.
public final class Gate: Sendable {
    public let state: GateState
    public let configuration: GateConfiguration
    private let group: MultiThreadedEventLoopGroup
    private let ownsGroup: Bool
    private let channels = Mutex<[Channel]>([])
    private let idleSweeps: IdleSweeps

    /// A listener that could not be bound, with the address and the system's reason.
    public struct BindError: Error, CustomStringConvertible {
        public let service: String
        public let endpoint: SocketEndpoint
        public let underlying: Error
        public var description: String { "cannot listen on \(endpoint) for \(service): \(underlying)" }
    }

    public init(configuration: GateConfiguration, policy: AccessPolicy, logger: Logger,
                group: MultiThreadedEventLoopGroup? = nil, metrics: GateMetrics = GateMetrics(),
                descriptors: DescriptorBudget = DescriptorBudget()) {
        self.configuration = configuration
        self.state = GateState(policy: policy, limits: configuration.limits, logger: logger, metrics: metrics,
                               descriptors: descriptors)
        self.ownsGroup = group == nil
        self.group = group ?? MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        self.idleSweeps = IdleSweeps(loops: Array(self.group.makeIterator()),
                                     interval: IdleSweep.interval(for: configuration.listeners))
    }

    /// Binds every listen address. On any failure the ones already bound are closed again.
    public func start() async throws {
        do {
            for listener in configuration.listeners {
                for endpoint in listener.listen {
                    let channel = try await bind(listener, endpoint)
                    channels.withLock { $0.append(channel) }
                    state.logger.info("listening", metadata: [
                        "service": "\(listener.service)", "listen": "\(endpoint)", "upstream": "\(listener.upstream)",
                        "upstream_proxy": "\(listener.upstreamProxy.rawValue)",
                    ])
                }
            }
        } catch {
            await closeListeners()
            throw error
        }
    }

    /// The addresses actually bound (port 0 in tests resolves to a real port).
    public var boundAddresses: [SocketAddress] {
        channels.withLock { $0.compactMap(\.localAddress) }
    }

    private func bind(_ listener: ListenerConfiguration, _ endpoint: SocketEndpoint) async throws -> Channel {
        let context = ListenerContext(configuration: listener, endpoint: endpoint.description, state: state,
                                      idleSweeps: idleSweeps)
        let logger = state.logger
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Out of descriptors at accept (EMFILE/ENFILE): wait a moment before accepting
                    // again instead of spinning on the error; say so, at most once a second.
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler(backoffProvider: { _ in .milliseconds(100) }))
                    try channel.pipeline.syncOperations.addHandler(AcceptErrorLogger(logger: logger, endpoint: endpoint.description))
                }
            }
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try RelayChannelOptions.apply(to: channel)
                    try channel.pipeline.syncOperations.addHandler(ClientConnectionHandler(listener: context))
                }
            }
        if endpoint.address.family == .inet6 {
            // So that `0.0.0.0:143` and `[::]:143` can both be listed, as the README's examples do.
            bootstrap = bootstrap.serverChannelOption(.ipOption(.ipv6_v6only), value: 1)
        }
        do {
            return try await bootstrap.bind(to: endpoint.socketAddress()).get()
        } catch {
            throw BindError(service: listener.service, endpoint: endpoint, underlying: error)
        }
    }

    /// Stops accepting, lets open connections finish for up to `grace`, then closes the rest.
    public func shutdown(grace: Duration) async {
        state.startDraining()
        await closeListeners()
        let deadline = ContinuousClock.now + grace
        while state.registry.count > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let remaining = state.registry.count
        if remaining > 0 {
            state.logger.notice("closing \(remaining) connection(s) still open after the \(grace.configText) grace period")
            state.registry.closeAll()
            let hardDeadline = ContinuousClock.now + .seconds(3)
            while state.registry.count > 0 && ContinuousClock.now < hardDeadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        await idleSweeps.stopAll()
        if ownsGroup { try? await group.shutdownGracefully() }
    }

    private func closeListeners() async {
        let open = channels.withLock { channels in
            defer { channels.removeAll() }
            return channels
        }
        for channel in open { try? await channel.close() }
    }
}

/// Logs accept errors on a listener (running out of descriptors, mostly), at most once a second.
final class AcceptErrorLogger: ChannelInboundHandler {
    typealias InboundIn = Any

    private let logger: Logger
    private let endpoint: String
    private var lastLogged: NIODeadline?
    private var suppressed = 0

    init(logger: Logger, endpoint: String) {
        self.logger = logger
        self.endpoint = endpoint
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let now = NIODeadline.now()
        if let lastLogged, now - lastLogged < .seconds(1) {
            suppressed += 1
            return
        }
        let more = suppressed > 0 ? " (and \(suppressed) more since the last report)" : ""
        logger.error("cannot accept on \(endpoint): \(error)\(more); accepting again shortly")
        lastLogged = now
        suppressed = 0
    }
}

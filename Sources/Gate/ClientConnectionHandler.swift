import AccessPolicy
import Foundation
import GateCore
import Logging
import MailgateAPI
import NIOCore
import NetAddress

/// The NIO driver of one accepted connection's `ConnectionStateMachine`: it feeds the
/// machine the client socket's events (and, through `UpstreamRelayHandler`, the upstream's)
/// and performs the actions it returns. It owns what the machine does not: the sockets, the
/// held client bytes, the header timer, and the gate's shared state (registry, events,
/// metrics, descriptor budget). Lives on the client channel; the upstream channel runs on
/// the same event loop.
final class ClientConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let listener: ListenerContext
    private var state: GateState { listener.state }
    private var machine = ConnectionStateMachine()
    private var context: ChannelHandlerContext?
    private var connection: LiveConnection?
    /// Client bytes held before the upstream is ready, or while a direct client's first bytes
    /// are checked for a PROXY signature (the machine keeps their count).
    private var held = ByteBuffer()
    private var upstream: Channel?
    private var upstreamRelay: UpstreamRelayHandler?
    private var headerTimer: Scheduled<Void>?
    /// Watches this connection for the listener's idle timeout once it is admitted.
    private var idleSweep: IdleSweep?
    private var lastActivity = NIODeadline.uptimeNanoseconds(0)
    /// This client socket is counted in the gate's descriptor budget until it closes.
    private var holdsDescriptor = false

    init(listener: ListenerContext) {
        self.listener = listener
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        lastActivity = context.eventLoop.now
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        upstreamRelay = nil  // it refers back to this handler
    }

    // MARK: Accept-time decision

    func channelActive(context: ChannelHandlerContext) {
        guard let peer = SocketEndpoint(context.channel.remoteAddress),
              let local = SocketEndpoint(context.channel.localAddress) else {
            context.close(promise: nil)
            return
        }
        holdsDescriptor = true
        let (decision, limit) = decide(peer: peer, context: context)
        perform(machine.accept(peer: peer, local: local, decision: decision, detail: limit?.description),
                context: context, limit: limit)
    }

    /// The policy's decision, unless the gate refuses first: near the descriptor limit
    /// (truthfully, rather than let the process run out), draining, or over a limit. Admits
    /// the connection when it goes on; a refusal by a limit comes with that limit.
    private func decide(peer: SocketEndpoint, context: ChannelHandlerContext) -> (Decision, ConnectionLimit?) {
        if !state.descriptors.takeClient() {
            return (.reject(.connectionLimit, nil), .descriptors(state.descriptors.sockets))
        }
        if state.isDraining { return (.reject(.shuttingDown, nil), nil) }
        let decision = state.policy.decision(peer: peer.address, service: listener.configuration.service,
                                             proxyHeaderTimeout: listener.configuration.proxyHeaderTimeout)
        if case .reject = decision { return (decision, nil) }
        if let limit = admit(peer: peer, decision: decision, context: context) {
            return (.reject(.connectionLimit, decision.matchedEntry), limit)
        }
        return (decision, nil)
    }

    /// Registers the connection, records it and has it watched for idleness; returns the
    /// limit that refuses it instead, if one does.
    private func admit(peer: SocketEndpoint, decision: Decision, context: ChannelHandlerContext) -> ConnectionLimit? {
        let service = listener.configuration.service
        let initial: ConnectionState
        if case .requireProxyHeader = decision { initial = .awaitingHeader } else { initial = .relayingDirect }
        // The channel is captured strongly, not weakly: a weak reference gives the channel a
        // side table, and every retain and release of it after that takes the slow path (it
        // showed in profiles). The registry lets go of the connection when it closes.
        let channel = context.channel
        let admission = state.registry.admit(
            service: service, listener: listener.endpoint, peer: peer, state: initial,
            entry: decision.matchedEntry, limits: state.limits,
            exemptFromPerSource: decision.matchedEntry?.kind == .whitelist,
            close: { channel.pipeline.fireUserInboundEventTriggered(GateShutdown()) })
        switch admission {
        case .overLimit(let limit):
            return limit
        case .admitted(let connection):
            self.connection = connection
            state.record(GateEvent(kind: .accepted, connection: connection.id, service: service, listener: listener.endpoint,
                                   peer: peer.address, entryID: decision.matchedEntry?.entry.id, detail: initial.rawValue))
            idleSweep = listener.idleSweeps.sweep(on: context.eventLoop)
            idleSweep?.watch(self)
            return nil
        }
    }

    // MARK: Client events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        connection?.countFromClient(bytes.readableBytes)
        lastActivity = context.eventLoop.now
        switch machine.clientRead(byteCount: bytes.readableBytes) {
        case .forward:
            upstream?.write(bytes, promise: nil)
        case .hold:
            hold(&bytes)
        case .holdThenDecodeHeader:
            hold(&bytes)
            perform(machine.decodeHeader(held: held.readableBytesView, realClients: listener), context: context)
        case .holdThenCheckSignature:
            hold(&bytes)
            perform(machine.checkSignature(held: held.readableBytesView), context: context)
        case .discard:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        perform(machine.clientReadComplete(), context: context)
    }

    /// Keeps client bytes until they can be relayed. The first read is kept as it is, not
    /// copied; and `held` is released (`= ByteBuffer()`), never cleared, once relayed:
    /// clearing storage that a write still shares allocates a copy, and an idle connection
    /// would keep it for good.
    private func hold(_ bytes: inout ByteBuffer) {
        if held.readableBytes == 0 { held = bytes } else { held.writeBuffer(&bytes) }
    }

    func read(context: ChannelHandlerContext) {
        if machine.clientReadRequested(upstreamWritable: upstream?.isWritable ?? true) == .read { context.read() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { perform(machine.clientBecameWritable(), context: context) }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            perform(machine.clientInputClosed(held: held.readableBytesView), context: context)
        } else if event is GateShutdown {
            perform(machine.shutdown(), context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        state.logger.debug("client connection error", metadata: ["peer": "\(machine.peer.map { "\($0)" } ?? "?")", "error": "\(error)"])
        perform(machine.errorCaught(), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if holdsDescriptor {
            holdsDescriptor = false
            state.descriptors.release()
        }
        tearDown(machine.clientClosed())
        idleSweep?.unwatch(self)
        idleSweep = nil
        upstreamRelay = nil
        if let connection {
            self.connection = nil
            state.registry.remove(connection)
            let snapshot = connection.snapshot
            state.record(GateEvent(kind: .closed, connection: connection.id, service: connection.service,
                                   listener: connection.listener, peer: connection.peer.address,
                                   realClient: machine.realClient?.address,
                                   entryID: snapshot.entryID, bytesFromClient: snapshot.bytesFromClient,
                                   bytesToClient: snapshot.bytesToClient,
                                   duration: .seconds(Date().timeIntervalSince(connection.started))))
        }
        context.fireChannelInactive()
    }

    // MARK: Upstream events (from UpstreamRelayHandler)

    /// The upstream sent bytes for the client.
    func upstreamRead(_ buffer: ByteBuffer) {
        guard let context, machine.upstreamRead() == .forwardToClient else { return }
        connection?.countToClient(buffer.readableBytes)
        lastActivity = context.eventLoop.now
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    /// Whether the upstream socket may read now (else a `readUpstream` action follows).
    func upstreamMayRead() -> Bool {
        machine.upstreamReadRequested(clientWritable: context?.channel.isWritable ?? true) == .read
    }

    func upstream(_ signal: UpstreamSignal) {
        switch signal {
        case .readComplete: perform(machine.upstreamReadComplete())
        case .becameWritable: perform(machine.upstreamBecameWritable())
        case .inputClosed: perform(machine.upstreamInputClosed())
        case .closed: perform(machine.upstreamClosed())
        }
    }

    // MARK: Actions

    private func perform(_ action: ConnectionStateMachine.Action) {
        guard let context else { return }
        perform(action, context: context)
    }

    /// `limit` is the one behind an accept-time `connectionLimit` refusal, for its reply.
    private func perform(_ action: ConnectionStateMachine.Action, context: ChannelHandlerContext,
                         limit: ConnectionLimit? = nil) {
        switch action {
        case .none:
            break
        case .readClient:
            context.read()
        case .readUpstream:
            upstreamRelay?.read()
        case .flushUpstream:
            upstream?.flush()
        case .flushClient:
            context.flush()
        case .awaitHeader(let timeout):
            headerTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .init(timeout)) { [self] in
                perform(machine.headerTimerFired(held: held.readableBytesView))
            }
            context.read()
        case .connectDirect(let route):
            connectUpstream(route, context: context)
            context.read()
        case .connectProxied(let route, let headerLength):
            cancelHeaderTimer()
            held.moveReaderIndex(forwardBy: headerLength)
            if held.readableBytes == 0 { held = ByteBuffer() }
            recordProxied(client: route.client)
            connectUpstream(route, context: context)
        case .relay(let steps):
            relay(steps)
        case .halfCloseClient:
            context.channel.closeAfterPendingWrites(mode: .output)
        case .closeClientAfterWrites:
            context.channel.closeAfterPendingWrites(mode: .all)
        case .reject(let rejection, let teardown):
            tearDown(teardown)
            held = ByteBuffer()
            ClientRefusal.refuse(rejection, entry: rejection.entry ?? connection?.entry, connection: connection?.id,
                                 limit: limit, listener: listener, context: context)
        case .close(let teardown):
            tearDown(teardown)
            context.close(promise: nil)
        }
    }

    private func relay(_ steps: RelaySteps) {
        if steps.contains(.countDirect) { countDirect() }
        if steps.contains(.writeHeldUpstream) {
            upstream?.write(held, promise: nil)
            held = ByteBuffer()
        }
        if steps.contains(.flushUpstream) { upstream?.flush() }
        if steps.contains(.halfCloseUpstream) { upstream?.closeAfterPendingWrites(mode: .output) }
        if steps.contains(.readClient) { context?.read() }
    }

    private func tearDown(_ teardown: Teardown) {
        if teardown.contains(.cancelHeaderTimer) { cancelHeaderTimer() }
        if teardown.contains(.closeUpstream), let upstream {
            self.upstream = nil
            upstream.close(promise: nil)
        }
        if teardown.contains(.countDirect) { countDirect() }
    }

    private func cancelHeaderTimer() {
        headerTimer?.cancel()
        headerTimer = nil
    }

    private func countDirect() {
        guard let peer = machine.peer else { return }
        state.countDirect(peer: peer.address, service: listener.configuration.service)
    }

    /// A PROXY header named `client`, and it may go on.
    private func recordProxied(client: SocketEndpoint) {
        let service = listener.configuration.service
        connection?.update(state: .relayingProxied, realClient: client)
        if let connection {
            state.metrics.recordHeaderWait(seconds: Date().timeIntervalSince(connection.started), service: service)
        }
        state.record(GateEvent(kind: .proxied, connection: connection?.id, service: service, listener: listener.endpoint,
                               peer: machine.peer?.address, realClient: client.address, entryID: connection?.entry?.entry.id))
    }

    // MARK: Upstream connection

    private func connectUpstream(_ route: UpstreamRoute, context: ChannelHandlerContext) {
        let configuration = listener.configuration
        let header = UpstreamHeader.bytes(mode: configuration.upstreamProxy, client: route.client,
                                          destination: route.destination)
        let address: SocketAddress
        do {
            address = try listener.upstreamAddress.get()
        } catch {
            perform(machine.upstreamConnectFailed(detail: "\(error)"))
            return
        }
        let relay = UpstreamRelayHandler(client: self)
        upstreamRelay = relay
        let descriptors = state.descriptors
        descriptors.takeUpstream()
        listener.connector.connect(to: address, timeout: .init(configuration.connectTimeout), relay: relay,
                                   on: context.eventLoop)
            .assumeIsolated()
            .whenComplete { [self] result in
                switch result {
                case .success(let upstream):
                    upstream.closeFuture.whenComplete { _ in descriptors.release() }
                    state.upstreams.record(listener.upstreamName, reachable: true)
                    upstreamConnected(upstream, header: header)
                case .failure(let error):
                    descriptors.release()
                    state.upstreams.record(listener.upstreamName, reachable: false)
                    perform(machine.upstreamConnectFailed(detail: "\(configuration.upstream): \(error)"))
                }
            }
    }

    private func upstreamConnected(_ channel: Channel, header: [UInt8]?) {
        switch machine.upstreamConnected() {
        case .closeUpstream:
            channel.close(promise: nil)
        case .startRelaying(let steps):
            upstream = channel
            if let header {
                channel.write(ByteBuffer(bytes: header), promise: nil)
            }
            relay(steps)
        }
    }

    // MARK: Idle timeout

    /// Nothing relayed either way for the listener's `idle_timeout`.
    func isIdle(at now: NIODeadline) -> Bool {
        now - lastActivity >= TimeAmount(listener.configuration.idleTimeout)
    }

    func closeIdle() {
        state.logger.info("closing idle connection", metadata: [
            "peer": "\(machine.peer.map { "\($0)" } ?? "?")", "service": "\(listener.configuration.service)",
        ])
        perform(machine.idleTimedOut())
    }
}

/// Sent down a client pipeline to make it close for shutdown.
struct GateShutdown: Sendable {}

import AccessPolicy
import Foundation
import Logging
import MailgateAPI
import NIOCore
import NIOPosix
import NetAddress
import ProxyProtocol

/// The life of one accepted connection: decide from the source address alone, take the
/// PROXY header where one is required, connect the upstream, then relay both ways with
/// backpressure. Lives on the client channel; the upstream channel's `UpstreamRelayHandler`
/// runs on the same event loop and calls back into it.
final class ClientConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        /// Flagged source: collecting bytes until a whole PROXY header has arrived.
        case awaitingHeader
        /// Upstream connect in flight; client bytes wait in `pending`.
        case connecting
        case relaying(Channel)
        /// Refused or closed: nothing more is relayed.
        case finished
    }

    /// Client bytes held before the upstream is ready, or while a direct client's first
    /// bytes are checked for a PROXY signature. Bounded by `pendingLimit` through `read`.
    private static let pendingLimit = 64 * 1024

    private let listener: ListenerContext
    private var state: GateState { listener.state }
    private var phase = Phase.awaitingHeader
    private var context: ChannelHandlerContext?
    private var connection: LiveConnection?
    private var peer = SocketEndpoint(address: .v4(0), port: 1)
    private var local = SocketEndpoint(address: .v4(0), port: 1)
    private var realClient: SocketEndpoint?
    private var pending = ByteBuffer()
    /// True until a direct client's first bytes are known not to be a PROXY signature.
    private var sniffing = false
    private var readDeferred = false
    private var clientInputClosed = false
    private var headerTimer: Scheduled<Void>?
    /// Decodes the header as it arrives at a cost linear in its length, however it is chunked.
    private var headerDecoder = IncrementalProxyHeaderDecoder()
    /// Watches this connection for the listener's idle timeout once it is admitted.
    private var idleSweep: IdleSweep?
    private var lastActivity = NIODeadline.now()
    private var upstreamHandler: UpstreamRelayHandler?
    /// This client socket is counted in the gate's descriptor budget until it closes.
    private var holdsDescriptor = false

    init(listener: ListenerContext) {
        self.listener = listener
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    // MARK: Accept-time decision

    func channelActive(context: ChannelHandlerContext) {
        guard let peer = SocketEndpoint(context.channel.remoteAddress),
              let local = SocketEndpoint(context.channel.localAddress) else {
            context.close(promise: nil)
            return
        }
        self.peer = peer
        self.local = local
        holdsDescriptor = true
        if !state.descriptors.takeClient() {
            // Near the descriptor limit: refuse now, truthfully, rather than let the process run out.
            let budget = state.descriptors.sockets
            reject(.connectionLimit, client: peer.address, entry: nil,
                   detail: ConnectionLimit.descriptors(budget).description, limit: .descriptors(budget))
            return
        }
        let service = listener.configuration.service
        let policy = state.policy
        if state.isDraining {
            reject(.shuttingDown, client: peer.address, entry: nil)
            return
        }
        let decision = policy.decision(peer: peer.address, service: service,
                                       proxyHeaderTimeout: listener.configuration.proxyHeaderTimeout)
        if case .reject(let reason, let entry) = decision {
            reject(reason, client: peer.address, entry: entry)
            return
        }
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
        let connection: LiveConnection
        switch admission {
        case .admitted(let admitted):
            connection = admitted
        case .overLimit(let limit):
            reject(.connectionLimit, client: peer.address, entry: decision.matchedEntry, detail: limit.description, limit: limit)
            return
        }
        self.connection = connection
        state.record(GateEvent(kind: .accepted, connection: connection.id, service: service, listener: listener.endpoint,
                               peer: peer.address, entryID: decision.matchedEntry?.entry.id, detail: initial.rawValue))
        idleSweep = listener.idleSweeps.sweep(on: context.eventLoop)
        idleSweep?.watch(self)

        switch decision {
        case .requireProxyHeader(let timeout, _):
            phase = .awaitingHeader
            headerTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .init(timeout)) { [self] in
                guard case .awaitingHeader = phase else { return }
                // A last look at what arrived: a malformed header the schedule had not decoded
                // yet is refused as invalid, as decoding it whole would have.
                if case .invalid(let error) = headerDecoder.settle(pending.readableBytesView) {
                    reject(.proxyHeaderInvalid, client: peer.address, entry: connection.entry, detail: error.reason)
                    return
                }
                reject(.proxyHeaderMissing, client: peer.address, entry: connection.entry)
            }
        default:
            sniffing = true
            connectUpstream(context: context, client: peer, destination: local)
        }
        context.read()
    }

    // MARK: Client bytes

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        connection?.countFromClient(bytes.readableBytes)
        lastActivity = .now()
        switch phase {
        case .awaitingHeader:
            hold(&bytes)
            takeHeader(context: context)
        case .connecting:
            hold(&bytes)
            if sniffing { checkSignature() }
        case .relaying(let upstream):
            if sniffing {
                hold(&bytes)
                checkSignature()
                if !sniffing, case .relaying = phase {
                    upstream.write(pending, promise: nil)
                    pending = ByteBuffer()
                }
            } else {
                upstream.write(bytes, promise: nil)
            }
        case .finished:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .relaying(let upstream) = phase { upstream.flush() }
    }

    /// Keeps client bytes until they can be relayed. The first read is kept as it is, not
    /// copied; and `pending` is released (`= ByteBuffer()`), never cleared, once relayed:
    /// clearing storage that a write still shares allocates a copy, and an idle connection
    /// would keep it for good.
    private func hold(_ bytes: inout ByteBuffer) {
        if pending.readableBytes == 0 { pending = bytes } else { pending.writeBuffer(&bytes) }
    }

    /// A flagged source's first bytes: a PROXY header, then possibly the client's own bytes.
    private func takeHeader(context: ChannelHandlerContext) {
        switch headerDecoder.decode(pending.readableBytesView) {
        case .needMoreData:
            return
        case .invalid(let error):
            reject(.proxyHeaderInvalid, client: peer.address, entry: connection?.entry, detail: error.reason)
        case .decoded(let header, let consumed):
            headerTimer?.cancel()
            headerTimer = nil
            pending.moveReaderIndex(forwardBy: consumed)
            if pending.readableBytes == 0 { pending = ByteBuffer() }
            // LOCAL (v2) and UNKNOWN (v1) mean: the proxy speaks for itself.
            let client = header.realClient.map { SocketEndpoint(address: $0.address.normalized, port: $0.port) } ?? peer
            realClient = client
            let service = listener.configuration.service
            if let refusal = state.policy.refusal(ofRealClient: client.address, service: service) {
                reject(.blacklisted, client: client.address, entry: refusal)
                return
            }
            connection?.update(state: .relayingProxied, realClient: client)
            if let connection {
                state.metrics.recordHeaderWait(seconds: Date().timeIntervalSince(connection.started), service: service)
            }
            state.record(GateEvent(kind: .proxied, connection: connection?.id, service: service, listener: listener.endpoint,
                                   peer: peer.address, realClient: client.address, entryID: connection?.entry?.entry.id))
            connectUpstream(context: context, client: client, destination: header.originalDestination ?? local)
        }
    }

    /// A direct client must not send a PROXY header: it would be honoured by nobody, and it
    /// is the best sign that this source is a load balancer whose flag is missing.
    private func checkSignature() {
        switch ProxySignature.classify(pending.readableBytesView) {
        case .undecided:
            return
        case .notProxy:
            sniffing = false
            state.countDirect(peer: peer.address, service: listener.configuration.service)
        case .v1, .v2:
            sniffing = false
            reject(.proxyHeaderFromUntrustedSource, client: peer.address, entry: connection?.entry)
        }
    }

    // MARK: Upstream

    private func connectUpstream(context: ChannelHandlerContext, client: SocketEndpoint, destination: SocketEndpoint) {
        phase = .connecting
        let configuration = listener.configuration
        let header = UpstreamHeader.bytes(mode: configuration.upstreamProxy, client: client, destination: destination)
        let address: SocketAddress
        do {
            address = try listener.upstreamAddress.get()
        } catch {
            reject(.upstreamUnavailable, client: client.address, entry: connection?.entry, detail: "\(error)")
            return
        }
        let relay = UpstreamRelayHandler(client: self)
        upstreamHandler = relay
        let descriptors = state.descriptors
        descriptors.takeUpstream()
        let boundRelay = NIOLoopBound(relay, eventLoop: context.eventLoop)
        ClientBootstrap(group: context.eventLoop)
            .connectTimeout(.init(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try RelayChannelOptions.apply(to: channel)
                    try channel.pipeline.syncOperations.addHandler(boundRelay.value)
                }
            }
            .connect(to: address)
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
                    guard case .connecting = phase else { return }
                    reject(.upstreamUnavailable, client: client.address, entry: connection?.entry,
                           detail: "\(configuration.upstream): \(error)")
                }
            }
    }

    private func upstreamConnected(_ upstream: Channel, header: [UInt8]?) {
        guard case .connecting = phase, let context else {
            upstream.close(promise: nil)
            return
        }
        phase = .relaying(upstream)
        if let header {
            upstream.write(ByteBuffer(bytes: header), promise: nil)
        }
        if !sniffing && pending.readableBytes > 0 {
            upstream.write(pending, promise: nil)
            pending = ByteBuffer()
        }
        upstream.flush()
        if clientInputClosed && !sniffing {
            upstream.closeAfterPendingWrites(mode: .output)
        }
        if readDeferred {
            readDeferred = false
            context.read()
        }
    }

    /// Called by the upstream side when it can take more bytes.
    func upstreamBecameWritable() {
        guard readDeferred, let context else { return }
        readDeferred = false
        context.read()
    }

    /// The upstream sent bytes for the client.
    func relayToClient(_ buffer: ByteBuffer) {
        guard let context, case .relaying = phase else { return }
        connection?.countToClient(buffer.readableBytes)
        lastActivity = .now()
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    func flushToClient() {
        context?.flush()
    }

    /// The upstream will send nothing more: pass its half-close on.
    func upstreamInputClosed() {
        context?.channel.closeAfterPendingWrites(mode: .output)
    }

    /// The upstream connection is gone: close the client once what it sent is written.
    func upstreamClosed() {
        guard let context, case .relaying = phase else { return }
        phase = .finished
        context.channel.closeAfterPendingWrites(mode: .all)
    }

    var isClientWritable: Bool { context?.channel.isWritable ?? false }

    // MARK: Backpressure and half-close

    func read(context: ChannelHandlerContext) {
        switch phase {
        case .relaying(let upstream) where !sniffing:
            if upstream.isWritable { context.read() } else { readDeferred = true }
        case .finished:
            context.read()  // drain, so the client's close is seen
        default:
            if pending.readableBytes < Self.pendingLimit { context.read() } else { readDeferred = true }
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { upstreamHandler?.clientBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            clientInputClosed = true
            switch phase {
            case .relaying(let upstream):
                if sniffing && pending.readableBytes > 0 {
                    // Too short to be a signature: it is the client's data after all.
                    sniffing = false
                    upstream.write(pending, promise: nil)
                    pending = ByteBuffer()
                }
                upstream.closeAfterPendingWrites(mode: .output)
            case .awaitingHeader:
                if case .invalid(let error) = headerDecoder.settle(pending.readableBytesView) {
                    reject(.proxyHeaderInvalid, client: peer.address, entry: connection?.entry, detail: error.reason)
                } else {
                    finish(context: context)
                }
            case .connecting, .finished:
                break
            }
            return
        }
        if event is GateShutdown {
            if case .relaying = phase {
                finish(context: context)
            } else {
                reject(.shuttingDown, client: (realClient ?? peer).address, entry: connection?.entry)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        state.logger.debug("client connection error", metadata: ["peer": "\(peer)", "error": "\(error)"])
        finish(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if holdsDescriptor {
            holdsDescriptor = false
            state.descriptors.release()
        }
        headerTimer?.cancel()
        idleSweep?.unwatch(self)
        idleSweep = nil
        detachUpstream()
        if sniffing {
            // Closed before a whole signature could be seen: an ordinary direct connection.
            sniffing = false
            state.countDirect(peer: peer.address, service: listener.configuration.service)
        }
        if let connection {
            self.connection = nil
            state.registry.remove(connection)
            let snapshot = connection.snapshot
            state.record(GateEvent(kind: .closed, connection: connection.id, service: connection.service,
                                   listener: connection.listener, peer: peer.address, realClient: realClient?.address,
                                   entryID: snapshot.entryID, bytesFromClient: snapshot.bytesFromClient,
                                   bytesToClient: snapshot.bytesToClient,
                                   duration: .seconds(Date().timeIntervalSince(connection.started))))
        }
        context.fireChannelInactive()
    }

    /// Ends relaying and closes the upstream. The phase changes first: closing the upstream
    /// calls back into `upstreamClosed`, which must then leave the client to us.
    private func detachUpstream() {
        let previous = phase
        phase = .finished
        if case .relaying(let upstream) = previous { upstream.close(promise: nil) }
    }

    private func finish(context: ChannelHandlerContext) {
        detachUpstream()
        context.close(promise: nil)
    }

    // MARK: Idle timeout

    /// Nothing relayed either way for the listener's `idle_timeout`.
    func isIdle(at now: NIODeadline) -> Bool {
        now - lastActivity >= TimeAmount(listener.configuration.idleTimeout)
    }

    func closeIdle() {
        guard let context else { return }
        state.logger.info("closing idle connection", metadata: ["peer": "\(peer)", "service": "\(listener.configuration.service)"])
        finish(context: context)
    }

    // MARK: Refusal

    /// Refuses the connection: one protocol-correct line (none on TLS ports), then close.
    private func reject(_ reason: RejectReason, client: IPAddress, entry: MatchedEntry?, detail: String? = nil,
                        limit: ConnectionLimit? = nil) {
        guard let context else { return }
        headerTimer?.cancel()
        detachUpstream()
        let configuration = listener.configuration
        var line = "reject reason=\(reason.rawValue) service=\(configuration.service) listener=\(listener.endpoint) peer=\(peer)"
        if let realClient { line += " client=\(realClient)" } else if client != peer.address { line += " client=\(client)" }
        if let entry { line += " entry=\(entry.kind.rawValue):\(entry.entry.source)" }
        if let detail { line += " detail=\"\(detail)\"" }
        state.logger.notice("\(line)")
        state.record(GateEvent(kind: .rejected, connection: connection?.id, service: configuration.service,
                               listener: listener.endpoint, peer: peer.address,
                               realClient: client == peer.address ? nil : client,
                               entryID: entry?.entry.id, reason: reason, detail: detail))
        guard let reply = RejectReply.bytes(for: reason, protocol: configuration.replyProtocol, client: client,
                                            headerTimeout: configuration.proxyHeaderTimeout, limit: limit) else {
            context.close(promise: nil)
            return
        }
        // Say why, half-close, and give the client a moment to read it before the full close:
        // closing at once with unread input would send a reset that can destroy the reply.
        // Short of descriptors the moment is brief, and a flood of refusals does not get it
        // at all past a cap: the descriptors they hold come out of the reserve.
        let descriptors = state.descriptors
        var linger = TimeAmount.seconds(2)
        if descriptors.isUnderPressure {
            guard descriptors.startBriefLinger() else {
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: reply))).whenComplete { _ in channel.close(promise: nil) }
                return
            }
            linger = .milliseconds(200)
            context.channel.closeFuture.whenComplete { _ in descriptors.endBriefLinger() }
        }
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: reply)), promise: nil)
        context.channel.closeAfterPendingWrites(mode: .output)
        let channel = context.channel  // strongly, for two seconds at most (see channelActive)
        context.eventLoop.assumeIsolated().scheduleTask(in: linger) {
            channel.close(promise: nil)
        }
    }
}

/// Sent down a client pipeline to make it close for shutdown.
struct GateShutdown: Sendable {}

import AccessPolicy
import NetAddress
import ProxyProtocol

/// The life of one accepted connection as a value: events in, actions out. Decides from the
/// source address alone (the policy's `Decision`, given at accept), takes the PROXY header
/// where one is required, watches a direct client's first bytes for a PROXY signature, and
/// relays both ways with backpressure and half-close once the upstream is connected.
///
/// Engine-neutral: the driver owns sockets, timers and byte buffers; the machine sees byte
/// counts and, where it must look at them, a view of the held bytes. No allocation on the
/// relay's path: events and actions are enums of plain values.
public struct ConnectionStateMachine: Sendable {
    /// Client bytes held before the upstream is ready, or while a direct client's first bytes
    /// are checked for a PROXY signature: past this the client is not read.
    public static let heldLimit = 64 * 1024

    var state = State.idle
    /// Who connected, to where, and the real client a header named; nil until accepted.
    /// Not the entry that admitted the connection: the driver keeps that with its record of
    /// the connection, and a copy here would cost every open connection its size.
    private var session: Session?

    private struct Session: Sendable {
        var peer: SocketEndpoint
        var local: SocketEndpoint
        var realClient: SocketEndpoint?
    }

    public init() {}

    /// The socket's peer, once accepted.
    public var peer: SocketEndpoint? { session?.peer }
    /// The real client a PROXY header named, once one has.
    public var realClient: SocketEndpoint? { session?.realClient }

    // MARK: Accept

    /// The connection was accepted and decided from its source. `decision` is the policy's,
    /// or the driver's own refusal (descriptor budget, draining, limits) as a `.reject`;
    /// `detail` goes into that refusal's log line.
    public mutating func accept(peer: SocketEndpoint, local: SocketEndpoint, decision: Decision,
                                detail: String? = nil) -> Action {
        guard case .idle = state else { return .none }
        session = Session(peer: peer, local: local)
        switch decision {
        case .reject(let reason, let entry):
            state = .finished(Finished(owesDirectCount: false))
            return .reject(Rejection(reason: reason, peer: peer, entry: entry, detail: detail), [])
        case .requireProxyHeader(let timeout, _):
            state = .awaitingHeader(HeaderWait())
            return .awaitHeader(timeout: timeout)
        case .direct:
            state = .connecting(Connecting(sniffing: true))
            return .connectDirect(UpstreamRoute(client: peer, destination: local))
        }
    }

    // MARK: Client bytes

    /// `byteCount` bytes arrived from the client.
    public mutating func clientRead(byteCount: Int) -> ClientBytesAction {
        switch state {
        case .relaying(var relaying):
            guard relaying.sniffing else { return .forward }
            relaying.held += byteCount
            state = .relaying(relaying)
            return .holdThenCheckSignature
        case .awaitingHeader(var wait):
            wait.held += byteCount
            state = .awaitingHeader(wait)
            return .holdThenDecodeHeader
        case .connecting(var connecting):
            connecting.held += byteCount
            state = .connecting(connecting)
            return connecting.sniffing ? .holdThenCheckSignature : .hold
        case .idle, .finished, .closed:
            return .discard
        }
    }

    /// A flagged source's held bytes, after `holdThenDecodeHeader`: a PROXY header, then
    /// possibly the client's own bytes. `realClients` is asked about the client it names.
    public mutating func decodeHeader<Bytes: RandomAccessCollection>(
        held: Bytes, realClients: some RealClientPolicy
    ) -> Action where Bytes.Element == UInt8, Bytes.Index == Int {
        guard case .awaitingHeader(var wait) = state, let session else { return .none }
        let decoding = wait.decoder.decode(held)
        switch decoding {
        case .needMoreData:
            state = .awaitingHeader(wait)
            return .none
        case .invalid(let error):
            return refuse(.proxyHeaderInvalid, detail: error.reason, [.cancelHeaderTimer])
        case .decoded(let header, let consumed):
            // LOCAL (v2) and UNKNOWN (v1) mean: the proxy speaks for itself.
            let client = header.realClient.map { SocketEndpoint(address: $0.address.normalized, port: $0.port) }
                ?? session.peer
            self.session?.realClient = client
            if let refusal = realClients.refusal(ofRealClient: client.address) {
                return refuse(.blacklisted, entry: refusal, [.cancelHeaderTimer])
            }
            state = .connecting(Connecting(sniffing: false, held: max(0, wait.held - consumed),
                                           readDeferred: wait.readDeferred))
            let route = UpstreamRoute(client: client, destination: header.originalDestination ?? session.local)
            return .connectProxied(route, headerLength: consumed)
        }
    }

    /// A direct client's held bytes, after `holdThenCheckSignature`. A direct client must not
    /// send a PROXY header: it would be honoured by nobody, and it is the best sign that this
    /// source is a load balancer whose flag is missing.
    public mutating func checkSignature<Bytes: RandomAccessCollection>(held: Bytes) -> Action
    where Bytes.Element == UInt8, Bytes.Index == Int {
        switch state {
        case .connecting(var connecting) where connecting.sniffing:
            switch ProxySignature.classify(held) {
            case .undecided:
                return .none
            case .notProxy:
                connecting.sniffing = false
                state = .connecting(connecting)
                return .relay(.countDirect)
            case .v1, .v2:
                state = .finished(Finished(owesDirectCount: false))  // refused, not direct
                return refuse(.proxyHeaderFromUntrustedSource, [])
            }
        case .relaying(var relaying) where relaying.sniffing:
            switch ProxySignature.classify(held) {
            case .undecided:
                return .none
            case .notProxy:
                relaying.sniffing = false
                relaying.held = 0
                state = .relaying(relaying)
                return .relay([.countDirect, .writeHeldUpstream])
            case .v1, .v2:
                state = .finished(Finished(owesDirectCount: false))  // refused, not direct
                return refuse(.proxyHeaderFromUntrustedSource, [.closeUpstream])
            }
        default:
            return .none
        }
    }

    /// The client's read burst ended.
    public func clientReadComplete() -> Action {
        if case .relaying = state { return .flushUpstream }
        return .none
    }

    /// The client socket asks to read. `upstreamWritable` is the upstream socket's
    /// writability (true when there is none).
    public mutating func clientReadRequested(upstreamWritable: Bool) -> ReadDecision {
        switch state {
        case .relaying(var relaying):
            let canRead = relaying.sniffing ? relaying.held < Self.heldLimit : upstreamWritable
            if canRead { return .read }
            relaying.clientReadDeferred = true
            state = .relaying(relaying)
            return .postpone
        case .awaitingHeader(var wait):
            if wait.held < Self.heldLimit { return .read }
            wait.readDeferred = true
            state = .awaitingHeader(wait)
            return .postpone
        case .connecting(var connecting):
            if connecting.held < Self.heldLimit { return .read }
            connecting.readDeferred = true
            state = .connecting(connecting)
            return .postpone
        case .idle, .finished, .closed:
            return .read  // drain, so that the client's close is seen
        }
    }

    /// The client half-closed: it sends nothing more. `held` are the bytes held so far.
    public mutating func clientInputClosed<Bytes: RandomAccessCollection>(held: Bytes) -> Action
    where Bytes.Element == UInt8, Bytes.Index == Int {
        switch state {
        case .awaitingHeader(var wait):
            // A malformed header the schedule had not decoded yet is refused as invalid, as
            // decoding it whole would have; anything else just ends here.
            if case .invalid(let error) = wait.decoder.settle(held) {
                return refuse(.proxyHeaderInvalid, detail: error.reason, [.cancelHeaderTimer])
            }
            state = .finished(Finished(owesDirectCount: false))
            return .close(.cancelHeaderTimer)
        case .connecting(var connecting):
            connecting.clientInputClosed = true
            // Too short to be a signature: what it sent is its data, relayed once connected.
            let wasSniffing = connecting.sniffing
            connecting.sniffing = false
            state = .connecting(connecting)
            return wasSniffing ? .relay(.countDirect) : .none
        case .relaying(var relaying):
            var steps: RelaySteps = .halfCloseUpstream
            if relaying.sniffing {
                steps.insert(.countDirect)
                if relaying.held > 0 { steps.insert(.writeHeldUpstream) }
                relaying.sniffing = false
                relaying.held = 0
                state = .relaying(relaying)
            }
            return .relay(steps)
        case .idle, .finished, .closed:
            return .none
        }
    }

    /// The client can take more bytes again.
    public mutating func clientBecameWritable() -> Action {
        guard case .relaying(var relaying) = state, relaying.upstreamReadDeferred else { return .none }
        relaying.upstreamReadDeferred = false
        state = .relaying(relaying)
        return .readUpstream
    }

    /// The client socket closed. Returns what is left to undo.
    public mutating func clientClosed() -> Teardown {
        let teardown: Teardown
        switch state {
        case .idle:
            teardown = []
        case .awaitingHeader:
            teardown = .cancelHeaderTimer
        case .connecting(let connecting):
            // The connect in flight is closed when it completes (`upstreamConnected`).
            teardown = connecting.sniffing ? .countDirect : []
        case .relaying(let relaying):
            teardown = relaying.sniffing ? [.closeUpstream, .countDirect] : .closeUpstream
        case .finished(let finished):
            teardown = finished.owesDirectCount ? .countDirect : []
        case .closed:
            return []
        }
        state = .closed
        return teardown
    }

    // MARK: Timers and the gate

    /// The header timer ran out. `held` are the bytes held so far.
    public mutating func headerTimerFired<Bytes: RandomAccessCollection>(held: Bytes) -> Action
    where Bytes.Element == UInt8, Bytes.Index == Int {
        guard case .awaitingHeader(var wait) = state else { return .none }
        // A last look at what arrived: a malformed header the schedule had not decoded yet is
        // refused as invalid, as decoding it whole would have.
        if case .invalid(let error) = wait.decoder.settle(held) {
            return refuse(.proxyHeaderInvalid, detail: error.reason, [])
        }
        return refuse(.proxyHeaderMissing, [])
    }

    /// Nothing was relayed either way for the listener's idle timeout.
    public mutating func idleTimedOut() -> Action {
        close()
    }

    /// The client socket reported an error.
    public mutating func errorCaught() -> Action {
        close()
    }

    /// The gate is shutting down and its grace period is over: relayed connections close,
    /// ones still being set up are told why.
    public mutating func shutdown() -> Action {
        switch state {
        case .awaitingHeader:
            return refuse(.shuttingDown, [.cancelHeaderTimer])
        case .connecting:
            return refuse(.shuttingDown, [])
        case .idle, .relaying, .finished, .closed:
            return close()
        }
    }

    // MARK: Upstream

    /// The upstream connect succeeded.
    public mutating func upstreamConnected() -> UpstreamConnectedAction {
        guard case .connecting(let connecting) = state else { return .closeUpstream }
        var steps: RelaySteps = .flushUpstream
        if !connecting.sniffing && connecting.held > 0 { steps.insert(.writeHeldUpstream) }
        if connecting.clientInputClosed { steps.insert(.halfCloseUpstream) }
        if connecting.readDeferred { steps.insert(.readClient) }
        state = .relaying(Relaying(sniffing: connecting.sniffing, held: connecting.sniffing ? connecting.held : 0))
        return .startRelaying(steps)
    }

    /// The upstream connect failed; `detail` says how, for the log.
    public mutating func upstreamConnectFailed(detail: String) -> Action {
        guard case .connecting = state else { return .none }
        return refuse(.upstreamUnavailable, detail: detail, [])
    }

    /// Bytes arrived from the upstream.
    public func upstreamRead() -> UpstreamBytesAction {
        if case .relaying = state { return .forwardToClient }
        return .discard
    }

    public func upstreamReadComplete() -> Action {
        if case .relaying = state { return .flushClient }
        return .none
    }

    /// The upstream socket asks to read; `clientWritable` is the client socket's writability.
    public mutating func upstreamReadRequested(clientWritable: Bool) -> ReadDecision {
        guard case .relaying(var relaying) = state, !clientWritable else { return .read }
        relaying.upstreamReadDeferred = true
        state = .relaying(relaying)
        return .postpone
    }

    /// The upstream can take more bytes again.
    public mutating func upstreamBecameWritable() -> Action {
        guard case .relaying(var relaying) = state, relaying.clientReadDeferred else { return .none }
        relaying.clientReadDeferred = false
        state = .relaying(relaying)
        return .readClient
    }

    /// The upstream half-closed: pass it on.
    public func upstreamInputClosed() -> Action {
        if case .relaying = state { return .halfCloseClient }
        return .none
    }

    /// The upstream socket closed.
    public mutating func upstreamClosed() -> Action {
        guard case .relaying(let relaying) = state else { return .none }
        state = .finished(Finished(owesDirectCount: relaying.sniffing))
        return .closeClientAfterWrites
    }

    // MARK: Endings

    /// Refuses the connection. `entry` is one that decided the refusal (a blacklisted real
    /// client's); nil names the entry the connection was admitted by (see `Rejection.entry`).
    private mutating func refuse(_ reason: RejectReason, entry: MatchedEntry? = nil, detail: String? = nil,
                                 _ teardown: Teardown) -> Action {
        let session = self.session!
        state = .finished(Finished(owesDirectCount: owesDirectCount))
        return .reject(Rejection(reason: reason, peer: session.peer, realClient: session.realClient,
                                 entry: entry, detail: detail), teardown)
    }

    private mutating func close() -> Action {
        let teardown: Teardown
        switch state {
        case .awaitingHeader: teardown = .cancelHeaderTimer
        case .relaying: teardown = .closeUpstream
        case .idle, .connecting, .finished: teardown = []
        case .closed: return .none
        }
        state = .finished(Finished(owesDirectCount: owesDirectCount))
        return .close(teardown)
    }

    /// Whether a direct client is still to be counted: it is, until its first bytes are told
    /// apart from a PROXY signature or it half-closes.
    private var owesDirectCount: Bool {
        switch state {
        case .connecting(let connecting): connecting.sniffing
        case .relaying(let relaying): relaying.sniffing
        case .finished(let finished): finished.owesDirectCount
        case .idle, .awaitingHeader, .closed: false
        }
    }
}

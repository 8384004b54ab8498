import ProxyProtocol

extension ConnectionStateMachine {
    /// Where the connection is. Payloads are plain values (no references), so that looking
    /// at the state on every read costs no reference counting.
    enum State: Sendable {
        /// Not accepted yet.
        case idle
        /// A flagged source: collecting bytes until a whole PROXY header has arrived.
        case awaitingHeader(HeaderWait)
        /// The upstream connect is in flight; client bytes are held.
        case connecting(Connecting)
        case relaying(Relaying)
        /// Refused or closing: nothing more is relayed; the client is read only so that its
        /// close is seen.
        case finished(Finished)
        /// The client socket has closed.
        case closed
    }

    struct HeaderWait: Sendable {
        var decoder = IncrementalProxyHeaderDecoder()
        /// Bytes the driver holds.
        var held = 0
        var readDeferred = false
    }

    struct Connecting: Sendable {
        /// A direct client whose first bytes may still be a PROXY signature.
        var sniffing: Bool
        var held = 0
        /// The client half-closed: pass it on once the upstream is there.
        var clientInputClosed = false
        var readDeferred = false
    }

    struct Relaying: Sendable {
        var sniffing: Bool
        /// Bytes held while sniffing.
        var held = 0
        /// A client read waits for the upstream to become writable (or the held bytes to go).
        var clientReadDeferred = false
        /// An upstream read waits for the client to become writable.
        var upstreamReadDeferred = false
    }

    struct Finished: Sendable {
        /// A direct client not yet counted (see `Teardown.countDirect`): counted once it closes.
        var owesDirectCount: Bool
    }
}

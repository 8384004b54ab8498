import AccessPolicy
import NetAddress

extension ConnectionStateMachine {
    /// What the driver does next, for most events. The driver owns the sockets, the held
    /// bytes and the timers; each case says which of them to touch.
    public enum Action: Hashable, Sendable {
        case none
        /// Ask the client socket for more bytes.
        case readClient
        /// Ask the upstream socket for more bytes.
        case readUpstream
        case flushUpstream
        case flushClient
        /// A flagged source was admitted: start the header timer (`headerTimerFired` when it
        /// runs out), then read the client.
        case awaitHeader(timeout: Duration)
        /// A direct client was admitted: connect the upstream (`route.client` is the peer),
        /// then read the client.
        case connectDirect(UpstreamRoute)
        /// A PROXY header of `headerLength` bytes arrived and the real client may go on:
        /// cancel the header timer, drop the header from the held bytes, then connect.
        case connectProxied(UpstreamRoute, headerLength: Int)
        /// Relay steps, in `RelaySteps`' order.
        case relay(RelaySteps)
        /// The upstream sends nothing more: half-close the client once its writes are out.
        case halfCloseClient
        /// The upstream is gone: close the client once what was written to it is out.
        case closeClientAfterWrites
        /// Refuse: say why (per protocol), half-close, linger, close. `teardown` first.
        case reject(Rejection, Teardown)
        /// Close the client now, after `teardown`.
        case close(Teardown)
    }

    /// What to do with bytes just read from the client.
    public enum ClientBytesAction: Hashable, Sendable {
        /// Write them straight to the upstream (the relay's hot path).
        case forward
        /// Append them to the held bytes; they go upstream once it is connected.
        case hold
        /// Append them to the held bytes, then call `decodeHeader(held:realClients:)`.
        case holdThenDecodeHeader
        /// Append them to the held bytes, then call `checkSignature(held:)`.
        case holdThenCheckSignature
        /// Drop them: the connection is refused or closing.
        case discard
    }

    /// What to do with bytes just read from the upstream.
    public enum UpstreamBytesAction: Hashable, Sendable {
        case forwardToClient
        case discard
    }

    /// Whether a read the socket asks for is done now or postponed until the other side
    /// can take more (a `readClient` or `readUpstream` action then follows).
    public enum ReadDecision: Hashable, Sendable {
        case read
        case postpone
    }

    /// What to do with an upstream connection that has just been made.
    public enum UpstreamConnectedAction: Hashable, Sendable {
        /// Keep it: write the upstream PROXY header (if the listener sends one), then `steps`.
        case startRelaying(RelaySteps)
        /// Nobody wants it any more (the client was refused or left meanwhile): close it.
        case closeUpstream
    }
}

/// Steps of the relay, done by the driver in the order listed here.
public struct RelaySteps: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The client is known to be direct and sent no PROXY signature: count it for the
    /// impact report (what enabling `tcp_proxy` for its source would refuse).
    public static let countDirect = RelaySteps(rawValue: 1 << 0)
    /// Write the held bytes upstream and release them.
    public static let writeHeldUpstream = RelaySteps(rawValue: 1 << 1)
    public static let flushUpstream = RelaySteps(rawValue: 1 << 2)
    /// Half-close the upstream once what was written to it is out (the client half-closed).
    public static let halfCloseUpstream = RelaySteps(rawValue: 1 << 3)
    public static let readClient = RelaySteps(rawValue: 1 << 4)
}

/// What is left to undo when a connection is refused, closed, or has closed.
public struct Teardown: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let cancelHeaderTimer = Teardown(rawValue: 1 << 0)
    public static let closeUpstream = Teardown(rawValue: 1 << 1)
    /// As `RelaySteps.countDirect`: a direct client that ended before its first bytes
    /// could be told apart from a PROXY signature is an ordinary direct connection.
    public static let countDirect = Teardown(rawValue: 1 << 2)
}

/// Where the upstream connection goes on behalf of whom: the endpoints its PROXY header names.
public struct UpstreamRoute: Hashable, Sendable {
    /// The client the upstream should see: the peer, or the real client a header named.
    public var client: SocketEndpoint
    /// The address the client connected to: this listener, or the one a header named.
    public var destination: SocketEndpoint

    public init(client: SocketEndpoint, destination: SocketEndpoint) {
        self.client = client
        self.destination = destination
    }
}

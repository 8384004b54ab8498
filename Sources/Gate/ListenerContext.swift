import AccessPolicy
import NIOCore

/// What every connection accepted on one listening address needs: the listener's settings,
/// the address text used in logs and events, the gate's shared state and its idle sweeps.
final class ListenerContext: Sendable {
    let configuration: ListenerConfiguration
    let endpoint: String
    let state: GateState
    let idleSweeps: IdleSweeps
    /// The upstream as a socket address, made once rather than parsed from text on every
    /// connection.
    let upstreamAddress: Result<SocketAddress, any Error>
    /// The upstream as text, the key of its `UpstreamHealth` observations.
    let upstreamName: String

    init(configuration: ListenerConfiguration, endpoint: String, state: GateState, idleSweeps: IdleSweeps) {
        self.configuration = configuration
        self.endpoint = endpoint
        self.state = state
        self.idleSweeps = idleSweeps
        self.upstreamAddress = Result { try configuration.upstream.socketAddress() }
        self.upstreamName = configuration.upstream.description
    }
}

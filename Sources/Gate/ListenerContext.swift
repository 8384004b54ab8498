import AccessPolicy
import GateCore
import NIOCore
import NetAddress

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
    let connector: any UpstreamConnector

    init(configuration: ListenerConfiguration, endpoint: String, state: GateState, idleSweeps: IdleSweeps,
         connector: any UpstreamConnector = BootstrapUpstreamConnector()) {
        self.configuration = configuration
        self.endpoint = endpoint
        self.state = state
        self.idleSweeps = idleSweeps
        self.connector = connector
        self.upstreamAddress = Result { try configuration.upstream.socketAddress() }
        self.upstreamName = configuration.upstream.description
    }
}

/// The real-client check of a PROXY header, against the policy in force when it arrives.
extension ListenerContext: RealClientPolicy {
    func refusal(ofRealClient client: IPAddress) -> MatchedEntry? {
        state.policy.refusal(ofRealClient: client, service: configuration.service)
    }
}

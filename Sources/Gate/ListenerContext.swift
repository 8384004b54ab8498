import AccessPolicy

/// What every connection accepted on one listening address needs: the listener's settings,
/// the address text used in logs and events, and the gate's shared state.
final class ListenerContext: Sendable {
    let configuration: ListenerConfiguration
    let endpoint: String
    let state: GateState

    init(configuration: ListenerConfiguration, endpoint: String, state: GateState) {
        self.configuration = configuration
        self.endpoint = endpoint
        self.state = state
    }
}

import AccessPolicy
import MailgateAPI

extension ConnectionRegistry {
    /// Registers a connection that no socket stands behind, in the state, with the real client
    /// and the byte counts `sample` gives, matched to `entry`: the console's sample daemon
    /// shows such connections. It counts against no limit; closing it does nothing.
    public func admitSample(_ sample: ConnectionSnapshot, entry: MatchedEntry?) {
        let unlimited = ConnectionLimits(maxConnections: .max, maxPerSource: .max)
        guard case .admitted(let connection) = admit(service: sample.service, listener: sample.listener, peer: sample.peer,
                                                     state: sample.state, entry: entry, limits: unlimited,
                                                     exemptFromPerSource: true, close: {}) else { return }
        connection.update(state: sample.state, realClient: sample.realClient)
        connection.countFromClient(Int(sample.bytesFromClient))
        connection.countToClient(Int(sample.bytesToClient))
    }
}

import AccessPolicy
import Foundation
import MailgateAPI
import NetAddress
import Synchronization

/// One open connection as the registry holds it. Byte counters are atomics so the data
/// path never takes a lock to count; the rest changes a handful of times per connection.
public final class LiveConnection: Sendable {
    public let id: ConnectionID
    public let service: String
    public let listener: String
    public let peer: SocketEndpoint
    public let started: Date
    /// The entry that decided the connection at accept time.
    public let entry: MatchedEntry?
    /// Asks the connection's own event loop to close it (shutdown after the grace period).
    let close: @Sendable () -> Void
    let bytesFromClient = Atomic<UInt64>(0)
    let bytesToClient = Atomic<UInt64>(0)
    private let details: Mutex<(state: ConnectionState, realClient: SocketEndpoint?)>

    init(id: ConnectionID, service: String, listener: String, peer: SocketEndpoint, state: ConnectionState,
         entry: MatchedEntry?, close: @escaping @Sendable () -> Void) {
        self.id = id
        self.entry = entry
        self.close = close
        self.service = service
        self.listener = listener
        self.peer = peer
        self.started = Date()
        self.details = Mutex((state, nil))
    }

    func update(state: ConnectionState, realClient: SocketEndpoint? = nil) {
        details.withLock {
            $0.state = state
            if let realClient { $0.realClient = realClient }
        }
    }

    func countFromClient(_ bytes: Int) { bytesFromClient.add(UInt64(bytes), ordering: .relaxed) }
    func countToClient(_ bytes: Int) { bytesToClient.add(UInt64(bytes), ordering: .relaxed) }

    public var snapshot: ConnectionSnapshot {
        let (state, realClient) = details.withLock { $0 }
        return ConnectionSnapshot(id: id, service: service, listener: listener, peer: peer, realClient: realClient,
                                  entryID: entry?.entry.id, entrySource: entry?.entry.source.description,
                                  state: state, started: started,
                                  bytesFromClient: bytesFromClient.load(ordering: .relaxed),
                                  bytesToClient: bytesToClient.load(ordering: .relaxed))
    }
}

/// Every open connection, with the counts that `[limits]` are checked against.
public final class ConnectionRegistry: Sendable {
    private struct State {
        var connections: [ConnectionID: LiveConnection] = [:]
        var perSource: [IPAddress: Int] = [:]
        var nextID: UInt64 = 0
    }
    private let state = Mutex(State())

    public init() {}

    public enum Admission: Sendable {
        case admitted(LiveConnection)
        /// Refused, and which limit said so.
        case overLimit(ConnectionLimit)
    }

    /// Registers a new connection unless a limit is reached. `exemptFromPerSource` is
    /// true for whitelisted sources.
    func admit(service: String, listener: String, peer: SocketEndpoint, state initial: ConnectionState,
               entry: MatchedEntry?, limits: ConnectionLimits, exemptFromPerSource: Bool,
               close: @escaping @Sendable () -> Void) -> Admission {
        state.withLock { state in
            let source = peer.address
            if state.connections.count >= limits.maxConnections { return .overLimit(.global(limits.maxConnections)) }
            if !exemptFromPerSource && state.perSource[source, default: 0] >= limits.maxPerSource {
                return .overLimit(.perSource(limits.maxPerSource))
            }
            state.nextID += 1
            let connection = LiveConnection(id: ConnectionID(state.nextID), service: service, listener: listener,
                                            peer: peer, state: initial, entry: entry, close: close)
            state.connections[connection.id] = connection
            state.perSource[source, default: 0] += 1
            return .admitted(connection)
        }
    }

    func remove(_ connection: LiveConnection) {
        state.withLock { state in
            guard state.connections.removeValue(forKey: connection.id) != nil else { return }
            let source = connection.peer.address
            let remaining = state.perSource[source, default: 1] - 1
            state.perSource[source] = remaining > 0 ? remaining : nil
        }
    }

    public var count: Int { state.withLock { $0.connections.count } }

    /// Asks every open connection to close (the end of a shutdown's grace period).
    func closeAll() {
        let live = state.withLock { Array($0.connections.values) }
        for connection in live { connection.close() }
    }

    public func snapshot() -> [ConnectionSnapshot] {
        let live = state.withLock { Array($0.connections.values) }
        return live.map(\.snapshot).sorted { $0.id < $1.id }
    }
}

/// The limit of `[limits]` that refused a connection: the gate's own total, or the source's share.
public enum ConnectionLimit: Sendable, Hashable, CustomStringConvertible {
    /// `max_connections`: the gate holds this many open connections in all.
    case global(Int)
    /// `max_per_source`: this source has this many open already.
    case perSource(Int)
    /// The descriptor budget: the gate holds this many sockets, all the descriptor limit allows
    /// after its reserve (see `DescriptorBudget`).
    case descriptors(Int)

    /// For the log line's detail: which key, and its value.
    public var description: String {
        switch self {
        case .global(let maximum): "global limit max_connections=\(maximum) reached"
        case .perSource(let maximum): "per-source limit max_per_source=\(maximum) reached"
        case .descriptors(let sockets): "descriptor limit reached: the gate holds \(sockets) sockets, all the descriptor limit allows after its reserve"
        }
    }
}

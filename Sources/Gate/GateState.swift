import AccessPolicy
import Foundation
import Logging
import NetAddress
import Synchronization

/// What every connection handler shares: the policy in force, the limits, the registry of
/// open connections, the event journal and the traffic windows.
public final class GateState: Sendable {
    public let registry = ConnectionRegistry()
    public let journal: EventJournal
    public let windows = TrafficWindows()
    let logger: Logger
    private let current: Mutex<(policy: AccessPolicy, limits: ConnectionLimits)>
    private let draining = Atomic<Bool>(false)

    public init(policy: AccessPolicy, limits: ConnectionLimits, logger: Logger, journalCapacity: Int = 10_000) {
        self.current = Mutex((policy, limits))
        self.logger = logger
        self.journal = EventJournal(capacity: journalCapacity)
    }

    public var policy: AccessPolicy { current.withLock { $0.policy } }
    public var limits: ConnectionLimits { current.withLock { $0.limits } }

    /// Puts a new policy in force for connections accepted from now on; open ones keep going.
    public func replacePolicy(_ policy: AccessPolicy) {
        current.withLock { $0.policy = policy }
    }

    var isDraining: Bool { draining.load(ordering: .relaxed) }
    func startDraining() { draining.store(true, ordering: .relaxed) }

    /// Counts a direct connection that sent no PROXY header: after enabling `tcp_proxy` for
    /// its source, such a connection would be refused (the impact report's main figure).
    func countDirect(peer: IPAddress, service: String) {
        windows.record(.direct, source: peer, service: service, at: Int64(Date().timeIntervalSince1970))
    }

    /// Records an event in the journal and, where it counts, in the traffic windows.
    func record(_ event: GateEvent) {
        journal.record(event)
        guard let peer = event.peer, let service = event.service else { return }
        let now = Int64(event.time.timeIntervalSince1970)
        switch event.kind {
        case .proxied:
            windows.record(.proxied, source: peer, service: service, at: now)
        case .rejected:
            windows.record(.rejected, source: peer, service: service, at: now)
            if event.reason == .proxyHeaderFromUntrustedSource {
                windows.record(.untrustedHeader, source: peer, service: service, at: now)
            }
        default:
            break
        }
    }
}

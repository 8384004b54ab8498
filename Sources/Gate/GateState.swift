import AccessPolicy
import Foundation
import Logging
import MailgateAPI
import NetAddress
import Synchronization

/// What every connection handler shares: the policy in force, the limits, the registry of
/// open connections, the event journal, the traffic windows and what was last seen of the
/// upstreams.
public final class GateState: Sendable {
    public let registry = ConnectionRegistry()
    public let journal: EventJournal
    public let windows = TrafficWindows()
    public let upstreams = UpstreamHealth()
    /// When each flagged entry last brought a PROXY header (for `mailgate doctor`: a flag
    /// nobody uses is a door left open).
    public let lastHeaders = Mutex<[String: Date]>([:])
    public let metrics: GateMetrics
    public let logger: Logger
    /// The sockets the gate may hold, below the process's descriptor limit.
    public let descriptors: DescriptorBudget
    private let current: Mutex<(policy: AccessPolicy, limits: ConnectionLimits)>
    private let draining = Atomic<Bool>(false)
    private let accepted = Atomic<UInt64>(0)
    private let rejected = Atomic<UInt64>(0)

    public init(policy: AccessPolicy, limits: ConnectionLimits, logger: Logger, journalCapacity: Int = 10_000,
                metrics: GateMetrics = GateMetrics(), descriptors: DescriptorBudget = DescriptorBudget()) {
        self.current = Mutex((policy, limits))
        self.descriptors = descriptors
        self.metrics = metrics
        self.logger = logger
        self.journal = EventJournal(capacity: journalCapacity)
    }

    public var policy: AccessPolicy { current.withLock { $0.policy } }
    public var limits: ConnectionLimits { current.withLock { $0.limits } }

    /// Puts a new policy in force for connections accepted from now on; open ones keep going.
    public func replacePolicy(_ policy: AccessPolicy) {
        current.withLock { $0.policy = policy }
    }

    /// Connections accepted and refused since the gate started.
    public var acceptedTotal: UInt64 { accepted.load(ordering: .relaxed) }
    public var rejectedTotal: UInt64 { rejected.load(ordering: .relaxed) }

    var isDraining: Bool { draining.load(ordering: .relaxed) }
    func startDraining() { draining.store(true, ordering: .relaxed) }

    /// Counts a direct connection that sent no PROXY header: after enabling `tcp_proxy` for
    /// its source, such a connection would be refused (the impact report's main figure).
    func countDirect(peer: IPAddress, service: String) {
        windows.record(.direct, source: peer, service: service, at: Int64(Date().timeIntervalSince1970))
    }

    /// Records an event in the journal and, where it counts, in the traffic windows and metrics.
    public func record(_ event: GateEvent) {
        journal.record(Event(event))
        switch event.kind {
        case .accepted:
            accepted.add(1, ordering: .relaxed)
        case .rejected:
            rejected.add(1, ordering: .relaxed)
            metrics.countReject(reason: event.reason?.rawValue ?? "unknown", service: event.service ?? "unknown")
        case .closed:
            metrics.countRelayed(fromClient: event.bytesFromClient ?? 0, toClient: event.bytesToClient ?? 0)
        case .proxied:
            break
        }
        guard let peer = event.peer, let service = event.service else { return }
        let now = Int64(event.time.timeIntervalSince1970)
        switch event.kind {
        case .proxied:
            if let entry = event.entryID { lastHeaders.withLock { $0[entry] = event.time } }
            windows.record(.proxied, source: peer, service: service, at: now)
            if let client = event.realClient { windows.record(.behindProxy, source: client, service: service, at: now) }
        case .rejected:
            windows.record(.rejected, source: peer, service: service, at: now)
            if event.reason == .proxyHeaderFromUntrustedSource {
                windows.record(.untrustedHeader, source: peer, service: service, at: now)
            }
        case .accepted, .closed:
            break
        }
    }
}

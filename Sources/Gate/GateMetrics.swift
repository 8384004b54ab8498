import CoreMetrics
import Synchronization

/// The gate's Prometheus-facing counters (swift-metrics): rejects by reason and service,
/// bytes relayed, and how long flagged sources took to send their PROXY header. Handles
/// are made once per label set and cached, so the data path only increments.
public final class GateMetrics: Sendable {
    public static let rejectsName = "mailgate_rejects_total"
    public static let bytesName = "mailgate_relayed_bytes_total"
    public static let headerWaitName = "mailgate_proxy_header_wait_seconds"

    private let factory: any MetricsFactory
    private let rejects = Mutex<[String: CoreMetrics.Counter]>([:])
    private let headerWaits = Mutex<[String: CoreMetrics.Timer]>([:])
    private let bytesFromClients: CoreMetrics.Counter
    private let bytesToClients: CoreMetrics.Counter

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        bytesFromClients = CoreMetrics.Counter(label: Self.bytesName, dimensions: [("direction", "from-client")], factory: factory)
        bytesToClients = CoreMetrics.Counter(label: Self.bytesName, dimensions: [("direction", "to-client")], factory: factory)
    }

    func countReject(reason: String, service: String) {
        let key = reason + "\u{0}" + service
        let counter = rejects.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = CoreMetrics.Counter(label: Self.rejectsName, dimensions: [("reason", reason), ("service", service)], factory: factory)
            cache[key] = counter
            return counter
        }
        counter.increment()
    }

    /// Bytes are counted when a connection closes, with its totals.
    func countRelayed(fromClient: UInt64, toClient: UInt64) {
        if fromClient > 0 { bytesFromClients.increment(by: fromClient) }
        if toClient > 0 { bytesToClients.increment(by: toClient) }
    }

    func recordHeaderWait(seconds: Double, service: String) {
        let timer = headerWaits.withLock { cache in
            if let timer = cache[service] { return timer }
            let timer = CoreMetrics.Timer(label: Self.headerWaitName, dimensions: [("service", service)], factory: factory)
            cache[service] = timer
            return timer
        }
        timer.recordSeconds(max(0, seconds))
    }
}

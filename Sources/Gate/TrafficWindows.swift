import NetAddress
import Synchronization

/// What one source did on one service recently, over sliding windows.
public struct SourceActivity: Sendable, Hashable {
    public var direct = 0
    public var proxied = 0
    /// PROXY headers sent while not flagged: evidence the source really is a load balancer.
    public var untrustedHeaders = 0
    public var rejected = 0
    /// Connections that named this address as the real client in a PROXY header.
    public var behindProxy = 0
    public init() {}

    public mutating func add(_ other: SourceActivity) {
        direct += other.direct
        proxied += other.proxied
        untrustedHeaders += other.untrustedHeaders
        rejected += other.rejected
        behindProxy += other.behindProxy
    }
}

/// Per-source, per-service counters in 30-second buckets over 15 minutes; the 1-minute
/// window reads the last two buckets. Bounded: stale sources are pruned, and at most
/// `capacity` pairs are tracked.
public final class TrafficWindows: Sendable {
    public enum Measure: Sendable { case direct, proxied, untrustedHeader, rejected, behindProxy }

    struct Key: Hashable { var source: IPAddress; var service: String }
    struct Bucket { var epoch: Int64 = -1; var counts = SourceActivity() }

    static let bucketSeconds: Int64 = 30
    static let bucketCount = 30
    private let capacity: Int
    private let state = Mutex<[Key: [Bucket]]>([:])

    public init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    public func record(_ measure: Measure, source: IPAddress, service: String, at seconds: Int64) {
        let epoch = seconds / Self.bucketSeconds
        let key = Key(source: source, service: service)
        state.withLock { table in
            if table[key] == nil && table.count >= capacity {
                table = table.filter { $0.value.contains { $0.epoch > epoch - Int64(Self.bucketCount) } }
                if table.count >= capacity { return }
            }
            var buckets = table[key] ?? Array(repeating: Bucket(), count: Self.bucketCount)
            let slot = Int(epoch % Int64(Self.bucketCount))
            if buckets[slot].epoch != epoch { buckets[slot] = Bucket(epoch: epoch) }
            switch measure {
            case .direct: buckets[slot].counts.direct += 1
            case .proxied: buckets[slot].counts.proxied += 1
            case .untrustedHeader: buckets[slot].counts.untrustedHeaders += 1
            case .rejected: buckets[slot].counts.rejected += 1
            case .behindProxy: buckets[slot].counts.behindProxy += 1
            }
            table[key] = buckets
        }
    }

    /// Totals for `source` on each of `services` over the last `windowSeconds` (60 or 900).
    public func activity(source: IPAddress, services: [String], windowSeconds: Int64, now seconds: Int64) -> SourceActivity {
        let newest = seconds / Self.bucketSeconds
        let oldest = newest - max(1, windowSeconds / Self.bucketSeconds) + 1
        return state.withLock { table in
            var total = SourceActivity()
            for service in services {
                for bucket in table[Key(source: source, service: service)] ?? [] where bucket.epoch >= oldest && bucket.epoch <= newest {
                    total.add(bucket.counts)
                }
            }
            return total
        }
    }

    /// Every source seen on a service in the last 15 minutes, with its activity over the last
    /// minute and the last 15, in one pass (for the impact of a change).
    public func recent(now seconds: Int64) -> [(source: IPAddress, service: String, lastMinute: SourceActivity, last15Minutes: SourceActivity)] {
        let newest = seconds / Self.bucketSeconds
        let minuteStart = newest - max(1, 60 / Self.bucketSeconds) + 1
        let quarterStart = newest - Int64(Self.bucketCount) + 1
        return state.withLock { table in
            table.compactMap { key, buckets in
                var minute = SourceActivity(), quarter = SourceActivity()
                for bucket in buckets where bucket.epoch >= quarterStart && bucket.epoch <= newest {
                    quarter.add(bucket.counts)
                    if bucket.epoch >= minuteStart { minute.add(bucket.counts) }
                }
                return quarter == SourceActivity() ? nil : (key.source, key.service, minute, quarter)
            }
        }
    }

    /// Every source seen on a service in the window, with its activity (for the console's reject view).
    public func sources(windowSeconds: Int64, now seconds: Int64) -> [(source: IPAddress, service: String, activity: SourceActivity)] {
        let keys = state.withLock { Array($0.keys) }
        return keys.map { key in
            (key.source, key.service, activity(source: key.source, services: [key.service], windowSeconds: windowSeconds, now: seconds))
        }
    }
}

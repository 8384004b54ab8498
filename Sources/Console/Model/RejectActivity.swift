import AccessPolicy
import Foundation

/// Rejects per second over the last minutes, by reason, for the Rejects view's rate and
/// sparkline; and when its rows were last sorted (rows keep their place between sorts, so
/// a flood does not move the row under the cursor). Counts, not times: a flood costs one
/// number a second and reason.
public struct RejectActivity: Hashable, Sendable {
    /// How far back the sparkline reaches.
    public static let windowSeconds = 300
    /// Rows are re-sorted at most this often.
    public static let resortSeconds: Double = 5

    /// Whole seconds since 1970 → rejects in that second, by reason.
    var seconds: [Int: [RejectReason: Int]] = [:]
    public var sortedAt: Date?

    public init() {}

    static func second(_ date: Date) -> Int { Int(date.timeIntervalSince1970.rounded(.down)) }

    public mutating func record(_ reason: RejectReason, at time: Date) {
        seconds[Self.second(time), default: [:]][reason, default: 0] += 1
    }

    /// Forgets the seconds that left the window.
    public mutating func forget(before now: Date) {
        let oldest = Self.second(now) - Self.windowSeconds
        seconds = seconds.filter { $0.key > oldest }
    }

    /// Rejects in the `count` whole seconds up to and including `now`'s, optionally of one reason.
    public func total(lastSeconds count: Int, now: Date, reason: RejectReason? = nil) -> Int {
        let newest = Self.second(now)
        var sum = 0
        for (second, reasons) in seconds where second > newest - count && second <= newest {
            sum += reason.map { reasons[$0] ?? 0 } ?? reasons.values.reduce(0, +)
        }
        return sum
    }

    /// Rejects per second, averaged over the last minute.
    public func rate(now: Date, reason: RejectReason? = nil) -> Double {
        Double(total(lastSeconds: 60, now: now, reason: reason)) / 60
    }

    /// Rejects a second in each of `buckets` slices of `bucketSeconds`, oldest first, ending at `now`.
    public func series(now: Date, buckets: Int, bucketSeconds: Int, reason: RejectReason? = nil) -> [Double] {
        let newest = Self.second(now)
        var values = Array(repeating: 0.0, count: buckets)
        for (second, reasons) in seconds {
            let age = newest - second
            guard age >= 0 else { continue }
            let bucket = buckets - 1 - age / bucketSeconds
            guard bucket >= 0 else { continue }
            values[bucket] += Double(reason.map { reasons[$0] ?? 0 } ?? reasons.values.reduce(0, +))
        }
        return values.map { $0 / Double(bucketSeconds) }
    }

    /// The reasons seen in the window, most frequent first.
    public var reasons: [RejectReason] {
        var totals: [RejectReason: Int] = [:]
        for reasons in seconds.values { for (reason, n) in reasons { totals[reason, default: 0] += n } }
        return totals.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key.rawValue < $1.key.rawValue) }.map(\.key)
    }
}

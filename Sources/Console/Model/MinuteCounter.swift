import Foundation

/// How many times something happened in the last minute, counted per second: the same
/// cost at one reject a minute as at a thousand a second.
public struct MinuteCounter: Hashable, Sendable {
    private var counts = [Int](repeating: 0, count: 60)
    /// The second (since 1970) each slot counts; a slot is reused a minute later.
    private var seconds = [Int64](repeating: .min, count: 60)

    public init() {}

    static func second(_ time: Date) -> Int64 { Int64(time.timeIntervalSince1970.rounded(.down)) }

    public mutating func record(_ time: Date) {
        let second = Self.second(time)
        let slot = Int((second % 60 + 60) % 60)
        if seconds[slot] != second {
            guard second > seconds[slot] else { return }  // older than the minute the slot holds
            seconds[slot] = second
            counts[slot] = 0
        }
        counts[slot] += 1
    }

    /// The count over the minute up to `now` (whole seconds).
    public func perMinute(now: Date) -> Int {
        let newest = Self.second(now)
        var total = 0
        for slot in 0..<60 where seconds[slot] <= newest && seconds[slot] > newest - 60 { total += counts[slot] }
        return total
    }
}

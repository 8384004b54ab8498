/// A sorted table of disjoint address segments, each labelled with the entry that wins
/// there. Built once from possibly overlapping intervals; a lookup is one binary search,
/// so it stays fast at 100,000 entries.
struct IntervalTable<Address: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable {
    /// `starts[i]` is the first address of segment i; it runs to `starts[i+1] - 1`.
    private var starts: [Address] = []
    /// Index of the winning candidate for segment i, or -1 where nothing matches.
    private var winners: [Int32] = []

    /// `intervals` must be sorted by priority, best first: where several cover an address
    /// the earliest one wins.
    init(prioritised intervals: [(low: Address, high: Address, label: Int32)]) {
        guard !intervals.isEmpty else { return }
        var boundaries: [Address] = [0]
        boundaries.reserveCapacity(intervals.count * 2 + 1)
        for interval in intervals {
            boundaries.append(interval.low)
            if interval.high < Address.max { boundaries.append(interval.high + 1) }
        }
        boundaries.sort()
        starts = boundaries.uniqued()
        winners = [Int32](repeating: -1, count: starts.count)

        // Paint segments best-first; `nextUnpainted` skips painted runs (union-find style),
        // so each segment is painted once and the build stays O(n log n).
        var nextUnpainted = Array(0...starts.count)
        func find(_ index: Int) -> Int {
            var root = index
            while nextUnpainted[root] != root { root = nextUnpainted[root] }
            var current = index
            while nextUnpainted[current] != root {
                let next = nextUnpainted[current]
                nextUnpainted[current] = root
                current = next
            }
            return root
        }
        for interval in intervals {
            let first = segmentIndex(of: interval.low)
            let last = segmentIndex(of: interval.high)
            var segment = find(first)
            while segment <= last {
                winners[segment] = interval.label
                nextUnpainted[segment] = segment + 1
                segment = find(segment + 1)
            }
        }
    }

    /// The label of the winning interval covering `address`, if any.
    func lookup(_ address: Address) -> Int32? {
        guard !starts.isEmpty else { return nil }
        let winner = winners[segmentIndex(of: address)]
        return winner >= 0 ? winner : nil
    }

    /// Index of the last segment whose start is ≤ `address` (segment 0 starts at 0).
    private func segmentIndex(of address: Address) -> Int {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= address { low = middle } else { high = middle - 1 }
        }
        return low
    }
}

extension Array where Element: Equatable {
    /// Drops adjacent duplicates (the array is sorted, so this makes it unique).
    fileprivate func uniqued() -> [Element] {
        var result: [Element] = []
        result.reserveCapacity(count)
        for element in self where result.last != element { result.append(element) }
        return result
    }
}

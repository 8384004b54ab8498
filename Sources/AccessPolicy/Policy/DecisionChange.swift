import NetAddress

/// What the policy does with a connection from an address on a service, without the
/// details a `Decision` carries: the three outcomes an edit can move between.
public enum Verdict: String, Hashable, Sendable, Codable {
    case direct
    case proxyHeader = "require-proxy-header"
    case blacklisted

    public init(_ decision: Decision) {
        switch decision {
        case .direct: self = .direct
        case .requireProxyHeader: self = .proxyHeader
        case .reject: self = .blacklisted
        }
    }
}

/// A block of addresses whose verdict on one service differs between two policies.
/// Pure: computed from the two policies alone, with no traffic.
public struct DecisionChange: Hashable, Sendable {
    public var low: IPAddress
    public var high: IPAddress
    public var service: String
    public var before: Verdict
    public var after: Verdict

    /// Whether a connection accepted before is refused after: a direct client that must now
    /// send a header or is blacklisted, or a load balancer that loses its flag (its headers
    /// are then refused as spoofed) or is blacklisted.
    public var cutsOff: Bool {
        switch (before, after) {
        case (.direct, .proxyHeader), (.direct, .blacklisted), (.proxyHeader, .blacklisted), (.proxyHeader, .direct): true
        default: false
        }
    }

    public var addresses: AddressCount { AddressCount(low: low, high: high) }

    /// Where `old` and `new` decide differently, looking only inside `regions` (the sources of
    /// the entries an edit touched: nothing outside them can change). Every elementary block
    /// between entry boundaries is checked once per service; adjacent blocks with the same
    /// change are merged. Fast for one edit even with 100,000 entries.
    public static func between(_ old: AccessPolicy, _ new: AccessPolicy, within regions: [AddressSource],
                               services: [String]) -> [DecisionChange] {
        let timeout = Duration.seconds(1)
        var changes: [DecisionChange] = []
        for region in Span.merged(regions.map(Span.init(region:))) {
            var cuts: Set<UInt128> = [region.low]
            if region.high < region.familyMax { cuts.insert(region.high + 1) }
            for entry in old.lists.whitelist + old.lists.blacklist + new.lists.whitelist + new.lists.blacklist where entry.enabled {
                let span = Span(region: entry.source)
                guard span.family == region.family, span.low <= region.high, span.high >= region.low else { continue }
                if span.low > region.low { cuts.insert(span.low) }
                if span.high < region.high { cuts.insert(span.high + 1) }
            }
            let starts = cuts.sorted()
            for service in services.sorted() {
                var open: DecisionChange?
                for (index, start) in starts.enumerated() {
                    let end = index + 1 < starts.count ? starts[index + 1] - 1 : region.high
                    let probe = region.address(start)
                    let before = Verdict(old.decision(peer: probe, service: service, proxyHeaderTimeout: timeout))
                    let after = Verdict(new.decision(peer: probe, service: service, proxyHeaderTimeout: timeout))
                    if before == after {
                        if let done = open { changes.append(done); open = nil }
                        continue
                    }
                    if var current = open, current.before == before, current.after == after {
                        current.high = region.address(end)
                        open = current
                    } else {
                        if let done = open { changes.append(done) }
                        open = DecisionChange(low: probe, high: region.address(end), service: service, before: before, after: after)
                    }
                }
                if let done = open { changes.append(done) }
            }
        }
        return changes.sorted { ($0.service, $0.low) < ($1.service, $1.low) }
    }
}

/// An address block as integers of one width, so v4 and v6 share the arithmetic.
private struct Span: Hashable {
    var family: IPAddress.Family
    var low: UInt128
    var high: UInt128

    init(region: AddressSource) {
        let (low, high) = region.bounds
        family = low.family
        self.low = Self.value(low)
        self.high = Self.value(high)
    }

    /// The spans with overlapping or touching ones joined, so no address is looked at twice.
    static func merged(_ spans: [Span]) -> [Span] {
        var result: [Span] = []
        for span in spans.sorted(by: { ($0.family == .inet ? 0 : 1, $0.low) < ($1.family == .inet ? 0 : 1, $1.low) }) {
            if var last = result.last, last.family == span.family, last.high == last.familyMax || span.low <= last.high + 1 {
                last.high = max(last.high, span.high)
                result[result.count - 1] = last
            } else {
                result.append(span)
            }
        }
        return result
    }

    var familyMax: UInt128 { family == .inet ? UInt128(UInt32.max) : UInt128.max }

    func address(_ value: UInt128) -> IPAddress {
        family == .inet ? .v4(UInt32(truncatingIfNeeded: value)) : .v6(value)
    }

    static func value(_ address: IPAddress) -> UInt128 {
        switch address {
        case .v4(let v): UInt128(v)
        case .v6(let v): v
        }
    }
}

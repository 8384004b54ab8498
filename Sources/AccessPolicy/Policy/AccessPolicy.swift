import NetAddress

/// The compiled whitelist and blacklist: answers, for an address and a service, which
/// enabled entry is most specific. Immutable; a reload builds a new one.
public struct AccessPolicy: Sendable {
    public let lists: AccessLists
    private let candidates: [MatchedEntry]
    private let tables: [String: FamilyTables]

    private struct FamilyTables: Sendable {
        var inet: IntervalTable<UInt32>
        var inet6: IntervalTable<UInt128>
    }

    /// Builds lookup tables for each named service. Entries naming a service not in
    /// `services` never match (configuration validation reports them).
    public init(lists: AccessLists, services: [String]) {
        self.lists = lists
        var candidates: [MatchedEntry] = []
        for kind in ListKind.allCases {
            for entry in lists[kind] where entry.enabled {
                candidates.append(MatchedEntry(kind: kind, entry: entry))
            }
        }
        // Most specific first; on an exact tie a blacklist entry wins, then file order.
        let order = candidates.indices.sorted { a, b in
            let (x, y) = (candidates[a], candidates[b])
            let (spanX, spanY) = (x.entry.source.spanMinusOne, y.entry.source.spanMinusOne)
            if spanX != spanY { return spanX < spanY }
            if x.kind != y.kind { return x.kind == .blacklist }
            return a < b
        }
        var tables: [String: FamilyTables] = [:]
        for service in Set(services) {
            var inet: [(low: UInt32, high: UInt32, label: Int32)] = []
            var inet6: [(low: UInt128, high: UInt128, label: Int32)] = []
            for index in order where candidates[index].entry.services.includes(service) {
                switch candidates[index].entry.source.bounds {
                case (.v4(let low), .v4(let high)): inet.append((low, high, Int32(index)))
                case (.v6(let low), .v6(let high)): inet6.append((low, high, Int32(index)))
                default: break
                }
            }
            tables[service] = FamilyTables(inet: IntervalTable(prioritised: inet),
                                           inet6: IntervalTable(prioritised: inet6))
        }
        self.candidates = candidates
        self.tables = tables
    }

    public var services: [String] { Array(tables.keys) }

    /// The most specific enabled entry matching `address` for `service`, if any.
    public func match(_ address: IPAddress, service: String) -> MatchedEntry? {
        guard let table = tables[service] else { return nil }
        let label: Int32?
        switch address.normalized {
        case .v4(let value): label = table.inet.lookup(value)
        case .v6(let value): label = table.inet6.lookup(value)
        }
        return label.map { candidates[Int($0)] }
    }

    /// The decision for a new connection from `peer` on `service`, before any byte is read.
    public func decision(peer: IPAddress, service: String, proxyHeaderTimeout: Duration) -> Decision {
        guard let matched = match(peer, service: service) else { return .direct(nil) }
        switch matched.kind {
        case .blacklist:
            return .reject(.blacklisted, matched)
        case .whitelist where matched.entry.tcpProxy:
            return .requireProxyHeader(timeout: proxyHeaderTimeout, matched)
        case .whitelist:
            return .direct(matched)
        }
    }

    /// After a PROXY header: may the real client it names go on? Returns the blacklist
    /// entry that refuses it, or nil when it may.
    public func refusal(ofRealClient client: IPAddress, service: String) -> MatchedEntry? {
        guard let matched = match(client, service: service), matched.kind == .blacklist else { return nil }
        return matched
    }
}

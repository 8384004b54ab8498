/// What one edit of a list does, judged from the lists alone (no traffic: the file edit's
/// view, when no daemon can say who is connected): the entry it added, changed or removed,
/// and the blocks of addresses whose connections it would refuse from now on.
public struct ListEditImpact: Hashable, Sendable {
    public enum Effect: String, Hashable, Sendable { case added, updated, removed }

    public let kind: ListKind
    /// The entry as the edit left it (as it was, for a removal).
    public let entry: AccessEntry
    public let effect: Effect
    /// Where a connection accepted before is refused after, one change per block and service.
    public let cuts: [DecisionChange]
    /// The TCP Proxy warning, when the edit leaves an enabled flagged whitelist entry: the
    /// flag makes a PROXY header mandatory for that source.
    public let tcpProxyWarning: [String]

    /// `before` is the entry before the edit (nil for an add); `entry` the one to report.
    public init(kind: ListKind, from lists: AccessLists, to edited: AccessLists, entry: AccessEntry, before: AccessEntry?,
                services: [String]) {
        let removed = !edited[kind].contains { $0.id == entry.id }
        self.kind = kind
        self.entry = entry
        self.effect = removed ? .removed : (before == nil ? .added : .updated)
        self.cuts = DecisionChange.between(AccessPolicy(lists: lists, services: services), AccessPolicy(lists: edited, services: services),
                                           within: [before?.source, removed ? nil : entry.source].compactMap { $0 }, services: services)
            .filter(\.cutsOff)
        self.tcpProxyWarning = !removed && kind == .whitelist && entry.tcpProxy && entry.enabled
            ? TCPProxyWarning.lines(for: entry, services: services) : []
    }

    /// Whether the edit could cut clients off (it then needs a confirmation, or the daemon).
    public var cutsClientsOff: Bool { !cuts.isEmpty }
}

extension DecisionChange {
    /// "127.0.0.0–127.0.0.255 (256 addresses) on imap: direct → require-proxy-header".
    public var line: String {
        let block = low == high ? "\(low)" : "\(low)–\(high)"
        return "\(block) (\(addresses.words)) on \(service): \(before.rawValue) → \(after.rawValue)"
    }
}

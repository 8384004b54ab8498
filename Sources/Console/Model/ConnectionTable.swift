import Foundation
import MailgateAPI

/// The open connections, kept up to date one event at a time: a full list replaces them
/// (at connect, reconnect and after a gap in the stream); `accepted`, `proxied`, `closed`
/// and `rejected` events change one row each. The groups the filter keeps are maintained
/// with them, so a frame or a key never walks every connection.
public struct ConnectionTable: Hashable, Sendable {
    public private(set) var byID: [ConnectionID: OpenConnection] = [:]
    /// The connections the filter keeps, per group, oldest (lowest id) first.
    public private(set) var proxied: [OpenConnection] = []
    public private(set) var direct: [OpenConnection] = []
    public private(set) var awaiting: [OpenConnection] = []
    public private(set) var filter = ""
    private var lowercasedFilter = ""
    /// When the last full list was loaded: the byte counts are from then. Nil: never loaded.
    public private(set) var loadedAt: Date?

    public init() {}

    /// Every open connection, whatever the filter.
    public var count: Int { byID.count }
    /// The connections the filter keeps.
    public var visibleCount: Int { proxied.count + direct.count + awaiting.count }

    /// The visible connection at a selection index: the groups one after another, as shown.
    public func visible(at index: Int) -> OpenConnection? {
        guard index >= 0 else { return nil }
        if index < proxied.count { return proxied[index] }
        if index - proxied.count < direct.count { return direct[index - proxied.count] }
        let rest = index - proxied.count - direct.count
        return rest < awaiting.count ? awaiting[rest] : nil
    }

    /// The full list from the daemon replaces what was known.
    public mutating func load(_ connections: [OpenConnection], at time: Date) {
        byID = Dictionary(connections.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        loadedAt = time
        regroup()
    }

    /// An `accepted` event adds a row, unless the full list already has it (then it has more).
    public mutating func add(_ connection: OpenConnection) {
        guard byID[connection.id] == nil else { return }
        byID[connection.id] = connection
        insertVisible(connection)
    }

    /// A `proxied` event: the header named the real client.
    public mutating func markProxied(_ id: ConnectionID, realClient: String?) {
        guard var connection = byID[id] else { return }
        removeVisible(connection)
        connection.state = .relayingProxied
        if let realClient { connection.realClient = realClient }
        connection.indexForSearch()
        byID[id] = connection
        insertVisible(connection)
    }

    /// A `closed` (or `rejected`) event.
    public mutating func remove(_ id: ConnectionID) {
        guard let connection = byID.removeValue(forKey: id) else { return }
        removeVisible(connection)
    }

    public mutating func setFilter(_ text: String) {
        guard text != filter else { return }
        filter = text
        lowercasedFilter = text.lowercased()
        regroup()
    }

    // MARK: The filtered groups

    private mutating func regroup() {
        var groups: [ConnectionState: [OpenConnection]] = [:]
        for connection in byID.values.sorted(by: { $0.id < $1.id }) where connection.matches(lowercasedFilter) {
            groups[connection.state, default: []].append(connection)
        }
        proxied = groups[.relayingProxied] ?? []
        direct = groups[.relayingDirect] ?? []
        awaiting = groups[.awaitingHeader] ?? []
    }

    /// The first index in a group whose id is not below `id` (groups are sorted by id).
    private static func position(of id: ConnectionID, in group: [OpenConnection]) -> Int {
        var low = 0, high = group.count
        while low < high {
            let middle = (low + high) / 2
            if group[middle].id < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private mutating func insertVisible(_ connection: OpenConnection) {
        guard connection.matches(lowercasedFilter) else { return }
        switch connection.state {
        case .relayingProxied: Self.insert(connection, into: &proxied)
        case .relayingDirect: Self.insert(connection, into: &direct)
        case .awaitingHeader: Self.insert(connection, into: &awaiting)
        }
    }

    private static func insert(_ connection: OpenConnection, into group: inout [OpenConnection]) {
        if let last = group.last, last.id >= connection.id {
            group.insert(connection, at: position(of: connection.id, in: group))
        } else {
            group.append(connection)  // the usual case: ids grow
        }
    }

    private mutating func removeVisible(_ connection: OpenConnection) {
        switch connection.state {
        case .relayingProxied: Self.remove(connection.id, from: &proxied)
        case .relayingDirect: Self.remove(connection.id, from: &direct)
        case .awaitingHeader: Self.remove(connection.id, from: &awaiting)
        }
    }

    private static func remove(_ id: ConnectionID, from group: inout [OpenConnection]) {
        let index = position(of: id, in: group)
        if index < group.count, group[index].id == id { group.remove(at: index) }
    }
}

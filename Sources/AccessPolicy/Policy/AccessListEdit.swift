import Foundation

/// The fields of an entry as given by a user (CLI flags, an API body, a console form):
/// nil means "not given" (keep the old value, or the default for a new entry).
public struct EntryDraft: Sendable, Hashable {
    public var source: String?
    public var description: String?
    public var services: [String]?
    public var tcpProxy: Bool?
    public var enabled: Bool?

    public init(source: String? = nil, description: String? = nil, services: [String]? = nil,
                tcpProxy: Bool? = nil, enabled: Bool? = nil) {
        self.source = source
        self.description = description
        self.services = services
        self.tcpProxy = tcpProxy
        self.enabled = enabled
    }
}

/// Why an edit was refused. `code` is stable (the API's error code); `message` says what to fix.
public struct AccessEditError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable { case notFound = "not-found", invalid = "invalid", duplicate = "duplicate" }
    public let code: Code
    public let message: String
    public var description: String { message }
}

/// Edits of the lists, validated the way the access file is: every refused edit leaves
/// the lists as they were (these return new values; nothing is changed in place).
extension AccessLists {
    /// The index of the entry named by its id or its exact source text.
    public func index(of kind: ListKind, idOrSource key: String) -> Int? {
        let list = self[kind]
        if let index = list.firstIndex(where: { $0.id == key }) { return index }
        guard let source = try? AddressSource(parsing: key) else { return nil }
        return list.firstIndex { $0.source == source }
    }

    public func adding(_ draft: EntryDraft, to kind: ListKind, knownServices: Set<String>,
                       by user: String?, now: Date = AccessEntry.timestamp()) throws(AccessEditError) -> (lists: AccessLists, entry: AccessEntry) {
        guard let sourceText = draft.source else {
            throw AccessEditError(code: .invalid, message: "source is required (an address, CIDR or range a-b)")
        }
        let source = try Self.parseSource(sourceText)
        var entry = AccessEntry(id: AccessEntry.newID(kind: kind), source: source, description: draft.description ?? "",
                                services: try Self.validServices(draft.services ?? ["all"], knownServices),
                                tcpProxy: draft.tcpProxy ?? false, enabled: draft.enabled ?? true,
                                created: now, updated: now, by: user)
        while self[kind].contains(where: { $0.id == entry.id }) { entry.id = AccessEntry.newID(kind: kind) }
        try checkFlag(entry, kind)
        try checkUnique(entry, in: kind)
        var lists = self
        lists[kind].append(entry)
        return (lists, entry)
    }

    public func updating(_ key: String, in kind: ListKind, with draft: EntryDraft, knownServices: Set<String>,
                         by user: String?, now: Date = AccessEntry.timestamp()) throws(AccessEditError) -> (lists: AccessLists, before: AccessEntry, after: AccessEntry) {
        guard let index = index(of: kind, idOrSource: key) else {
            throw AccessEditError(code: .notFound, message: "no \(kind.rawValue) entry \"\(key)\" (give its id or its source)")
        }
        let before = self[kind][index]
        var after = before
        if let text = draft.source { after.source = try Self.parseSource(text) }
        if let description = draft.description { after.description = description }
        if let services = draft.services { after.services = try Self.validServices(services, knownServices) }
        if let flag = draft.tcpProxy { after.tcpProxy = flag }
        if let enabled = draft.enabled { after.enabled = enabled }
        after.updated = now
        after.by = user
        try checkFlag(after, kind)
        try checkUnique(after, in: kind)
        var lists = self
        lists[kind][index] = after
        return (lists, before, after)
    }

    public func removing(_ key: String, from kind: ListKind) throws(AccessEditError) -> (lists: AccessLists, entry: AccessEntry) {
        guard let index = index(of: kind, idOrSource: key) else {
            throw AccessEditError(code: .notFound, message: "no \(kind.rawValue) entry \"\(key)\" (give its id or its source)")
        }
        var lists = self
        let removed = lists[kind].remove(at: index)
        return (lists, removed)
    }

    private static func parseSource(_ text: String) throws(AccessEditError) -> AddressSource {
        do {
            return try AddressSource(parsing: text)
        } catch {
            throw AccessEditError(code: .invalid, message: "source: \(error.description)")
        }
    }

    private static func validServices(_ names: [String], _ known: Set<String>) throws(AccessEditError) -> ServiceSet {
        if names.isEmpty { throw AccessEditError(code: .invalid, message: "services: give at least one service, or \"all\"") }
        if names.contains("all") && names.count > 1 {
            throw AccessEditError(code: .invalid, message: "services: \"all\" stands alone; give [\"all\"] or a list of services")
        }
        if Set(names).count != names.count {
            throw AccessEditError(code: .invalid, message: "services: a service is named twice")
        }
        for name in names where name != "all" && !known.contains(name) {
            let list = known.sorted().joined(separator: ", ")
            throw AccessEditError(code: .invalid, message: "services: unknown service \"\(name)\" (listeners define: \(list), or use \"all\")")
        }
        return ServiceSet(names: names)
    }

    private func checkFlag(_ entry: AccessEntry, _ kind: ListKind) throws(AccessEditError) {
        if kind == .blacklist && entry.tcpProxy {
            throw AccessEditError(code: .invalid, message: "tcp_proxy applies to whitelist entries only")
        }
    }

    private func checkUnique(_ entry: AccessEntry, in kind: ListKind) throws(AccessEditError) {
        if let other = self[kind].first(where: { $0.source == entry.source && $0.id != entry.id }) {
            throw AccessEditError(code: .duplicate, message: "\(kind.rawValue) already has an entry for \(entry.source) (id \(other.id))")
        }
    }
}

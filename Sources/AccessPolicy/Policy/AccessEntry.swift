import Foundation

/// Which list an entry belongs to.
public enum ListKind: String, Sendable, Codable, CaseIterable {
    case whitelist, blacklist
}

/// The services an entry applies to: listed names, or every service.
public enum ServiceSet: Hashable, Sendable {
    case all
    case named([String])

    /// `["all"]` means every service; otherwise the names as given.
    public init(names: [String]) {
        self = names.contains("all") ? .all : .named(names)
    }

    public func includes(_ service: String) -> Bool {
        switch self {
        case .all: true
        case .named(let names): names.contains(service)
        }
    }

    public var names: [String] {
        switch self {
        case .all: ["all"]
        case .named(let names): names
        }
    }
}

/// One whitelist or blacklist entry.
public struct AccessEntry: Hashable, Sendable {
    public var id: String
    public var source: AddressSource
    public var description: String
    public var services: ServiceSet
    /// Whitelist only: connections from this source must start with a PROXY header.
    public var tcpProxy: Bool
    public var enabled: Bool
    public var created: Date?
    public var updated: Date?
    /// Who made the last change (a local user name), when known.
    public var by: String?

    public init(id: String, source: AddressSource, description: String = "", services: ServiceSet = .all,
                tcpProxy: Bool = false, enabled: Bool = true,
                created: Date? = nil, updated: Date? = nil, by: String? = nil) {
        self.id = id
        self.source = source
        self.description = description
        self.services = services
        self.tcpProxy = tcpProxy
        self.enabled = enabled
        self.created = created
        self.updated = updated
        self.by = by
    }

    /// A stable id for an entry written by hand without one: derived from its list and source,
    /// so it survives reloads for as long as the source text does.
    public static func derivedID(kind: ListKind, source: AddressSource) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in "\(kind.rawValue) \(source)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let prefix = kind == .whitelist ? "w" : "b"
        return prefix + String(hash & 0xFFFF_FFFF, radix: 16).leftPadded(to: 8)
    }

    /// A fresh random id for an entry created through the CLI or the API.
    public static func newID(kind: ListKind) -> String {
        let prefix = kind == .whitelist ? "w" : "b"
        return prefix + String(UInt32.random(in: 0...UInt32.max), radix: 16).leftPadded(to: 8)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// The whitelist and blacklist together, as held in `access.toml`.
extension AccessEntry {
    /// The same settings, whatever the timestamps say: an entry read back from a file keeps
    /// whole seconds only.
    public func hasSameSettings(as other: AccessEntry) -> Bool {
        id == other.id && source == other.source && description == other.description && services == other.services
            && tcpProxy == other.tcpProxy && enabled == other.enabled
    }
}

public struct AccessLists: Hashable, Sendable {
    public var whitelist: [AccessEntry]
    public var blacklist: [AccessEntry]

    public init(whitelist: [AccessEntry] = [], blacklist: [AccessEntry] = []) {
        self.whitelist = whitelist
        self.blacklist = blacklist
    }

    public subscript(kind: ListKind) -> [AccessEntry] {
        get { kind == .whitelist ? whitelist : blacklist }
        set { if kind == .whitelist { whitelist = newValue } else { blacklist = newValue } }
    }

    /// The whitelist entries in force with TCP Proxy on: the sources that must send a PROXY header.
    public var flaggedLoadBalancers: [AccessEntry] {
        whitelist.filter { $0.tcpProxy && $0.enabled }
    }
}

import AccessPolicy

/// The add/edit form of a whitelist or blacklist entry; every field is checked as it is typed.
public struct EntryForm: Hashable, Sendable {
    public enum Field: Int, CaseIterable, Sendable {
        case source, description, services, enabled
        public var label: String {
            switch self {
            case .source: "Source"
            case .description: "Description"
            case .services: "Services"
            case .enabled: "Enabled"
            }
        }
    }

    public var list: ListKind
    /// The entry being edited; nil for a new one.
    public var entryID: String?
    public var source: String
    public var description: String
    public var services: String
    public var enabled: Bool
    public var tcpProxy: Bool
    public var focus: Field = .source
    /// Listener service names the daemon knows; `all` is always allowed.
    public var knownServices: [String]
    /// The write sent on Enter, while the daemon has not answered: the form stays open
    /// until it does, so a refused save keeps what was typed.
    public var saving: ListWrite?
    /// The daemon's words when it refused the last save.
    public var refusal: String?

    public init(list: ListKind, entry: AccessEntry? = nil, knownServices: [String]) {
        self.list = list
        entryID = entry?.id
        source = entry.map { "\($0.source)" } ?? ""
        description = entry?.description ?? ""
        services = entry?.services.names.joined(separator: ", ") ?? "all"
        enabled = entry?.enabled ?? true
        tcpProxy = entry?.tcpProxy ?? false
        self.knownServices = knownServices
    }

    public var title: String { entryID == nil ? "New \(list.rawValue) entry" : "Edit \(list.rawValue) entry" }

    public func text(of field: Field) -> String {
        switch field {
        case .source: source
        case .description: description
        case .services: services
        case .enabled: enabled ? "yes" : "no"
        }
    }

    /// The service names as typed, split at commas and spaces.
    public var serviceNames: [String] {
        services.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    }

    /// What is wrong with a field now, in words, or nil.
    public func problem(_ field: Field) -> String? {
        switch field {
        case .source:
            if source.isEmpty { return "required: an address, CIDR or range a-b" }
            do { _ = try AddressSource(parsing: source) } catch { return error.reason }
            return nil
        case .services:
            let names = serviceNames
            if names.isEmpty { return "name at least one service, or all" }
            let allowed = Set(knownServices + ["all"])
            if let unknown = names.first(where: { !allowed.contains($0) }) {
                return "unknown service \"\(unknown)\"; known: \((knownServices + ["all"]).joined(separator: ", "))"
            }
            return nil
        case .description, .enabled:
            return nil
        }
    }

    public var isValid: Bool { Field.allCases.allSatisfy { problem($0) == nil } }

    /// The problem the form's summary explains: the focused field's, else the first one.
    public var summaryProblem: (field: Field, problem: String)? {
        for field in [focus] + Field.allCases {
            if let problem = problem(field) { return (field, problem) }
        }
        return nil
    }

    /// The fields as an edit. `tcp_proxy` is never changed here: it goes through the warning dialog.
    public var draft: EntryDraft {
        EntryDraft(source: source, description: description, services: serviceNames, enabled: enabled)
    }

    public mutating func type(_ character: Character) {
        refusal = nil
        switch focus {
        case .source: source.append(character)
        case .description: description.append(character)
        case .services: services.append(character)
        case .enabled: if character == " " { enabled.toggle() }
        }
    }

    public mutating func deleteBackward() {
        refusal = nil
        switch focus {
        case .source: if !source.isEmpty { source.removeLast() }
        case .description: if !description.isEmpty { description.removeLast() }
        case .services: if !services.isEmpty { services.removeLast() }
        case .enabled: break
        }
    }

    public mutating func moveFocus(by step: Int) {
        let count = Field.allCases.count
        focus = Field(rawValue: (focus.rawValue + step + count) % count)!
    }
}

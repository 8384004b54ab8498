import Foundation
import NetAddress
import TOMLKit

/// Reads the `[[whitelist]]` and `[[blacklist]]` tables of an access file and checks the
/// entries against each other: no source twice in one list, no id twice in the file.
struct AccessFileReader {
    let top: TOMLSection
    let knownServices: Set<String>

    private struct Seen {
        var label: String
        var line: Int?
    }

    /// The addresses a source covers: two sources with the same span are duplicates,
    /// however they are written (`192.0.2.1` and `192.0.2.1/32`).
    private struct Span: Hashable {
        var low: IPAddress
        var high: IPAddress
    }

    func read() -> AccessLists {
        top.rejectUnknownKeys(known: ListKind.allCases.map(\.rawValue))
        var lists = AccessLists()
        var ids: [String: Seen] = [:]
        for kind in ListKind.allCases {
            guard let sections = top.arrayOfTables(kind.rawValue, label: { "\(kind.rawValue) entry \($0)" }) else { continue }
            var sources: [Span: Seen] = [:]
            var entries: [AccessEntry] = []  // not lists[kind].append: that subscript copies the list each time
            for section in sections {
                guard let entry = readEntry(section, kind: kind) else { continue }
                let line = section.document.lines.line(of: section.path.appending("source"))
                let span = Span(low: entry.source.bounds.low, high: entry.source.bounds.high)
                if let earlier = sources[span] {
                    section.report("source \(entry.source.description.tomlQuoted) is already in the \(kind.rawValue) "
                                   + "(\(earlier.label)\(Self.at(earlier.line)))", key: "source")
                    continue
                }
                sources[span] = Seen(label: section.label, line: line)
                if let earlier = ids[entry.id] {
                    let idKey = section.has("id") ? "id" : "source"
                    section.report("id \(entry.id.tomlQuoted) is already used by \(earlier.label)\(Self.at(earlier.line))"
                                   + (section.has("id") ? "" : " (this entry has no id; its derived id collides)"), key: idKey)
                    continue
                }
                ids[entry.id] = Seen(label: section.label,
                                     line: section.document.lines.line(of: section.path.appending(section.has("id") ? "id" : "source")))
                entries.append(entry)
            }
            lists[kind] = entries
        }
        return lists
    }

    /// One entry, or nil when anything in it is wrong (each thing reported).
    private func readEntry(_ section: TOMLSection, kind: ListKind) -> AccessEntry? {
        let problemsBefore = section.document.problems.count
        section.rejectUnknownKeys(known: ["id", "source", "description", "services", "tcp_proxy", "enabled",
                                          "created", "updated", "by"])
        var source: AddressSource?
        if let text = section.string("source", expected: "an address, CIDR or range string") {
            do { source = try AddressSource(parsing: text) } catch {
                section.report(error.description, key: "source")
            }
        } else if !section.has("source") {
            section.reportMissing("source", "an address, CIDR or range, e.g. \"203.0.113.7\" or \"198.51.100.0/24\"")
        }
        let description = section.string("description") ?? ""
        let services = readServices(section)
        var tcpProxy = false
        if kind == .blacklist && section.has("tcp_proxy") {
            section.report("tcp_proxy applies to whitelist entries only (a blacklisted source is refused "
                           + "whatever it sends)", key: "tcp_proxy")
        } else {
            tcpProxy = section.bool("tcp_proxy") ?? false
        }
        let enabled = section.bool("enabled") ?? true
        let id = section.string("id", expected: "an id string")
        if let id, id.isEmpty || !id.utf8.allSatisfy({ $0.isBareKeyByte || $0 == UInt8(ascii: ".") }) {
            section.report("id \(id.tomlQuoted) may hold only letters, digits, \"-\", \"_\" and \".\"", key: "id")
        }
        let created = readTimestamp(section, "created")
        let updated = readTimestamp(section, "updated")
        let by = section.string("by", expected: "a user name string")

        guard section.document.problems.count == problemsBefore, let source, let services else { return nil }
        return AccessEntry(id: id ?? AccessEntry.derivedID(kind: kind, source: source), source: source,
                           description: description, services: services, tcpProxy: tcpProxy,
                           enabled: enabled, created: created, updated: updated, by: by)
    }

    /// `services`: `["all"]` when absent; otherwise each name must be "all" or a listener's service.
    private func readServices(_ section: TOMLSection) -> ServiceSet? {
        guard section.has("services") else { return .all }
        guard let names = section.stringArray("services", expected: "an array of service names") else { return nil }
        if names.isEmpty {
            section.report("services is empty; list service names, or leave it out (or write [\"all\"]) for every service",
                           key: "services")
            return nil
        }
        let known = knownServices.sorted()
        let defined = known.isEmpty ? "no listener defines a service" : "the listeners define \(known.joined(separator: ", "))"
        var allKnown = true
        for (name, path) in names where name != "all" && !knownServices.contains(name) {
            let hint = closestSpelling(of: name, among: known).map { "did you mean \($0.tomlQuoted)? " } ?? ""
            section.report("unknown service \(name.tomlQuoted) (\(hint)\(defined); \"all\" means every service)", at: path)
            allKnown = false
        }
        return allKnown ? ServiceSet(names: names.map(\.text)) : nil
    }

    /// A TOML date-time or date, or an RFC 3339 string; kept to the whole second.
    private func readTimestamp(_ section: TOMLSection, _ key: String) -> Date? {
        guard let value = section.value(key) else { return nil }
        let expected = "a date-time, e.g. 2026-11-02T10:15:00Z"
        let date: Date?
        switch value.type {
        case .dateTime: date = value.dateTime.flatMap(AccessFileTimestamp.date(from:))
        case .date: date = value.date.flatMap(AccessFileTimestamp.date(from:))
        case .string:
            guard let parsed = value.string.flatMap(AccessFileTimestamp.date(rfc3339:)) else {
                section.report("\(key) \((value.string ?? "").tomlQuoted) is not \(expected)", key: key)
                return nil
            }
            date = parsed
        default:
            section.reportType(key, expected: expected, found: value)
            return nil
        }
        guard let date else {
            section.report("\(key) \(value.debugDescription) is not a valid date-time", key: key)
            return nil
        }
        return AccessEntry.timestamp(date)
    }

    private static func at(_ line: Int?) -> String {
        if let line { ", line \(line)" } else { "" }
    }
}

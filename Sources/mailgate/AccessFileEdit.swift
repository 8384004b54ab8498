import AccessPolicy
import ArgumentParser
import ControlClient
import Foundation

/// One edit of the access file from the command line: load, change, and when the edit could
/// cut clients off, refuse it if a daemon runs (it must go through the daemon, which can
/// revert it) or warn and ask; save atomically. Anything refused leaves the file untouched.
struct AccessFileEdit {
    let config: ConfigOption
    let kind: ListKind
    let json: Bool
    let assumeYes: Bool

    /// `change` returns the new lists, the entry to report, and the entry as it was before.
    func apply(_ change: (AccessLists, Set<String>) throws(AccessEditError) -> (AccessLists, AccessEntry, AccessEntry?)) throws {
        let (configuration, lists) = try config.loadWithLists(createIfMissing: true)
        let edited: AccessLists, entry: AccessEntry, before: AccessEntry?
        do {
            (edited, entry, before) = try change(lists, Set(configuration.serviceNames))
        } catch {
            Terminal.printError("\(error.message); \(configuration.accessFile) is unchanged")
            throw ExitCode(1)
        }
        let removed = edited[kind].contains { $0.id == entry.id } == false
        let services = configuration.serviceNames
        let cuts = DecisionChange.between(AccessPolicy(lists: lists, services: services), AccessPolicy(lists: edited, services: services),
                                          within: [before?.source, removed ? nil : entry.source].compactMap { $0 }, services: services)
            .filter(\.cutsOff)
        if !cuts.isEmpty {
            let socket = configuration.control.socket
            let blocks = ImpactText.lines(cuts).map { "  " + $0 }.joined(separator: "\n")
            if ControlClient.probe(socket) == nil {
                Terminal.printError("""
                    this edit could cut clients off, and a daemon is running on \(socket):
                    \(blocks)
                    Make it through the daemon instead (leave out --config): it shows the impact on live traffic and reverts the change by itself unless you confirm it. A file edit cannot revert itself. \(configuration.accessFile) is unchanged
                    """)
                throw ExitCode(1)
            }
            var warning = ["Connections from these addresses would be refused after this edit (no daemon runs, so no traffic can be shown, and a file edit does not revert itself):"]
            if !removed && kind == .whitelist && entry.tcpProxy && entry.enabled {
                warning = TCPProxyWarning.lines(for: entry, services: services) + warning
            }
            FileHandle.standardError.write(Data(("WARNING\n" + warning.map { "  " + $0 }.joined(separator: "\n") + "\n" + blocks + "\n").utf8))
            guard assumeYes || Terminal.confirm("Apply this edit?") else {
                Terminal.printError("not confirmed (use --yes to confirm non-interactively); \(configuration.accessFile) is unchanged")
                throw ExitCode(1)
            }
        }
        do {
            try edited.save(to: configuration.accessFile)
        } catch {
            Terminal.printError("\(error.description); \(configuration.accessFile) is unchanged")
            throw ExitCode(1)
        }
        if json {
            try Terminal.printJSON(entry)
        } else {
            let verb = removed ? "removed" : (before == nil ? "added" : "updated")
            print("\(verb) \(kind.rawValue) entry \(entry.id) (\(entry.source)) in \(configuration.accessFile)")
        }
        Terminal.printWarning("edited \(configuration.accessFile) directly: a running daemon reloads it within a second (the API and its audit log are bypassed)")
    }
}

/// The local user running the command, for the entry's `by` field.
enum LocalUser {
    static var name: String? {
        guard let record = getpwuid(getuid()), let name = record.pointee.pw_name else { return nil }
        return String(cString: name)
    }
}

/// The plain-text table `list` prints.
enum EntryTable {
    static func render(_ entries: [AccessEntry], kind: ListKind) -> String {
        if entries.isEmpty { return "(no \(kind.rawValue) entries)" }
        let withFlag = kind == .whitelist
        var rows = [["ID", "SOURCE", "SERVICES"] + (withFlag ? ["TCP PROXY"] : []) + ["ENABLED", "DESCRIPTION"]]
        for entry in entries {
            rows.append([entry.id, entry.source.description, entry.services.names.joined(separator: ",")]
                        + (withFlag ? [entry.tcpProxy ? "yes" : "no"] : [])
                        + [entry.enabled ? "yes" : "no", entry.description])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { cell, width in cell.padding(toLength: width, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}

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
        let impact = ListEditImpact(kind: kind, from: lists, to: edited, entry: entry, before: before,
                                    services: configuration.serviceNames)
        if impact.cutsClientsOff {
            let socket = configuration.control.socket
            let blocks = impact.cuts.map { "  " + $0.line }.joined(separator: "\n")
            if ControlClient.probe(socket) == nil {
                Terminal.printError("""
                    this edit could cut clients off, and a daemon is running on \(socket):
                    \(blocks)
                    Make it through the daemon instead (leave out --config): it shows the impact on live traffic and reverts the change by itself unless you confirm it. A file edit cannot revert itself. \(configuration.accessFile) is unchanged
                    """)
                throw ExitCode(1)
            }
            let warning = impact.tcpProxyWarning
                + ["Connections from these addresses would be refused after this edit (no daemon runs, so no traffic can be shown, and a file edit does not revert itself):"]
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
            print("\(impact.effect.rawValue) \(kind.rawValue) entry \(entry.id) (\(entry.source)) in \(configuration.accessFile)")
        }
        Terminal.printWarning("edited \(configuration.accessFile) directly: a running daemon reloads it within a second (the API and its audit log are bypassed)")
    }
}

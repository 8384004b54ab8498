import AccessPolicy
import ArgumentParser
import Foundation
import MailgateAPI

/// Which list a generic list command edits.
protocol AccessListKind {
    static var kind: ListKind { get }
}
enum Whitelist: AccessListKind { static let kind = ListKind.whitelist }
enum Blacklist: AccessListKind { static let kind = ListKind.blacklist }

struct WhitelistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whitelist", abstract: "List and edit whitelist entries (tcp_proxy lives here).",
        subcommands: [ListEntries<Whitelist>.self, AddEntry<Whitelist>.self, SetEntry<Whitelist>.self, RemoveEntry<Whitelist>.self])
}

struct BlacklistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blacklist", abstract: "List and edit blacklist entries.",
        subcommands: [ListEntries<Blacklist>.self, AddEntry<Blacklist>.self, SetEntry<Blacklist>.self, RemoveEntry<Blacklist>.self])
}

/// `on`/`off` (also true/false, yes/no) for flags that can be set either way.
enum Switch: String, ExpressibleByArgument, CaseIterable {
    case on, off
    init?(argument: String) {
        switch argument.lowercased() {
        case "on", "true", "yes", "1": self = .on
        case "off", "false", "no", "0": self = .off
        default: return nil
        }
    }
    var isOn: Bool { self == .on }
}

struct ListEntries<Kind: AccessListKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "list", abstract: "Show the \(Kind.kind.rawValue).")
    }

    @OptionGroup var target: ListTarget
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let entries: [AccessEntry]
        if let files = target.files {
            entries = try files.loadWithLists().1[Kind.kind]
        } else {
            entries = try await target.socket.withClient { client in
                try await client.call(Endpoints.list(Kind.kind)).entries
            }
        }
        if json {
            try Terminal.printJSON(entries)
            return
        }
        print(EntryTable.render(entries, kind: Kind.kind))
    }
}

struct AddEntry<Kind: AccessListKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "add", abstract: "Add a \(Kind.kind.rawValue) entry.")
    }

    @OptionGroup var target: ListTarget
    @Argument(help: "An address, CIDR (192.0.2.0/24) or range (192.0.2.10-192.0.2.20).") var source: String
    @Option(help: "What the entry is for.") var description: String?
    @Option(parsing: .upToNextOption, help: "Services it applies to (default: all).") var services: [String] = []
    @Flag(name: .customLong("tcp-proxy"), help: "Whitelist only: the source is a load balancer that sends PROXY headers.")
    var tcpProxy = false
    @Flag(help: "Add it disabled.") var disabled = false
    @Flag(help: "Do not ask when the edit could cut clients off (it still reverts itself unless confirmed).") var yes = false
    @Flag(help: "Print the new entry as JSON.") var json = false

    func run() async throws {
        let serviceNames = services.isEmpty ? nil : services.flatMap { $0.split(separator: ",").map(String.init) }
        guard let files = target.files else {
            let body = EntryWriteRequest(source: source, description: description, services: serviceNames,
                                         tcpProxy: tcpProxy, enabled: !disabled)
            try await AccessListAPIEdit(socket: target.socket, kind: Kind.kind, json: json, assumeYes: yes)
                .apply(.add(body))
            return
        }
        let draft = EntryDraft(source: source, description: description, services: serviceNames,
                               tcpProxy: tcpProxy, enabled: !disabled)
        try AccessFileEdit(config: files, kind: Kind.kind, json: json, assumeYes: yes).apply { lists, known throws(AccessEditError) in
            let (edited, entry) = try lists.adding(draft, to: Kind.kind, knownServices: known, by: LocalUser.name)
            return (edited, entry, nil)
        }
    }
}

struct SetEntry<Kind: AccessListKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "set", abstract: "Change a \(Kind.kind.rawValue) entry, named by its id or its source.")
    }

    @OptionGroup var target: ListTarget
    @Argument(help: "The entry's id or source.") var entry: String
    @Option(help: "A new source.") var source: String?
    @Option(help: "A new description.") var description: String?
    @Option(parsing: .upToNextOption, help: "New services (or all).") var services: [String] = []
    @Option(name: .customLong("tcp-proxy"), help: "Whitelist only: on or off.") var tcpProxy: Switch?
    @Option(help: "on or off.") var enabled: Switch?
    @Flag(help: "Do not ask when the edit could cut clients off (it still reverts itself unless confirmed).") var yes = false
    @Flag(help: "Print the changed entry as JSON.") var json = false

    func run() async throws {
        let serviceNames = services.isEmpty ? nil : services.flatMap { $0.split(separator: ",").map(String.init) }
        guard let files = target.files else {
            let body = EntryWriteRequest(source: source, description: description, services: serviceNames,
                                         tcpProxy: tcpProxy?.isOn, enabled: enabled?.isOn)
            try await AccessListAPIEdit(socket: target.socket, kind: Kind.kind, json: json, assumeYes: yes)
                .apply(.update(entry, body))
            return
        }
        let draft = EntryDraft(source: source, description: description, services: serviceNames,
                               tcpProxy: tcpProxy?.isOn, enabled: enabled?.isOn)
        try AccessFileEdit(config: files, kind: Kind.kind, json: json, assumeYes: yes).apply { lists, known throws(AccessEditError) in
            let (edited, before, after) = try lists.updating(entry, in: Kind.kind, with: draft, knownServices: known, by: LocalUser.name)
            return (edited, after, before)
        }
    }
}

struct RemoveEntry<Kind: AccessListKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "remove", abstract: "Remove a \(Kind.kind.rawValue) entry, named by its id or its source.")
    }

    @OptionGroup var target: ListTarget
    @Argument(help: "The entry's id or source.") var entry: String
    @Flag(help: "Do not ask when the removal could cut clients off.") var yes = false
    @Flag(help: "Print the removed entry as JSON.") var json = false

    func run() async throws {
        guard let files = target.files else {
            try await AccessListAPIEdit(socket: target.socket, kind: Kind.kind, json: json, assumeYes: yes)
                .apply(.remove(entry))
            return
        }
        try AccessFileEdit(config: files, kind: Kind.kind, json: json, assumeYes: yes).apply { lists, _ throws(AccessEditError) in
            let (edited, removed) = try lists.removing(entry, from: Kind.kind)
            return (edited, removed, removed)
        }
    }
}

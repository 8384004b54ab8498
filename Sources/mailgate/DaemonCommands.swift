import AccessPolicy
import ArgumentParser
import Foundation
import Gate
import MailgateAPI

/// `mailgate status`: the daemon's listeners, upstreams, counts and pending changes.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the running daemon's state.")

    @OptionGroup var socket: SocketOption
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let status = try await socket.withClient { try await $0.call(Endpoints.status) }
        if json { return try Terminal.printJSON(status) }
        print("mailgate \(status.version), up \(Int(status.uptimeSeconds))s; access file \(status.accessFile) (revision \(status.revision))")
        for listener in status.listeners {
            let reach = listener.upstreamReachable.map { $0 ? "up" : "DOWN" } ?? "?"
            print("  \(listener.service): \(listener.listen.joined(separator: ", ")) → \(listener.upstream) [\(reach)] upstream_proxy \(listener.upstreamProxy)")
        }
        let c = status.connections
        print("connections: \(c.open) open (\(c.relayingProxied) proxied, \(c.relayingDirect) direct, \(c.awaitingHeader) awaiting header); \(c.acceptedTotal) accepted, \(c.rejectedTotal) rejected in all")
        for change in status.pendingChanges {
            print("PENDING \(change.id): \(change.summary); reverts at \(change.deadline.formatted(.iso8601)) unless confirmed (mailgate confirm \(change.id))")
        }
    }
}

/// `mailgate connections`: open connections grouped by proxy state.
struct Connections: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show open connections, grouped by proxy state.")

    @OptionGroup var socket: SocketOption
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let groups = try await socket.withClient { try await $0.call(Endpoints.connections) }
        if json { return try Terminal.printJSON(groups) }
        let now = Date()
        for (title, connections) in [("Proxied (via PROXY header)", groups.proxied), ("Direct", groups.direct),
                                     ("Awaiting header", groups.awaitingHeader)] {
            print("\(title): \(connections.count)")
            for c in connections {
                let client = c.realClient.map { " for \($0)" } ?? ""
                let entry = c.entrySource.map { " entry \($0)" } ?? ""
                print("  c\(c.id.value) \(c.service) from \(c.peer)\(client)\(entry), \(Int(now.timeIntervalSince(c.started)))s, \(c.bytesFromClient)↑ \(c.bytesToClient)↓")
            }
        }
    }
}

/// `mailgate events [--follow]`: recent events, or the live stream.
struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show recent events, or follow them live.")

    @OptionGroup var socket: SocketOption
    @Flag(name: .shortAndLong, help: "Keep printing events as they happen.") var follow = false
    @Option(help: "Only this reject reason.") var reason: String?
    @Option(help: "Only this source (address, CIDR or range; peer or real client).") var source: String?
    @Option(help: "Only this service.") var service: String?
    @Option(help: "At most this many recent events.") var limit = 100
    @Flag(help: "Print JSON (one object a line when following).") var json = false

    func run() async throws {
        var query: [URLQueryItem] = []
        if let reason { query.append(URLQueryItem(name: "reason", value: reason)) }
        if let source { query.append(URLQueryItem(name: "source", value: source)) }
        if let service { query.append(URLQueryItem(name: "service", value: service)) }
        let json = self.json
        if follow {
            try await socket.withClient { client in
                let stream = try await client.events(query: query)
                for try await event in stream { try Self.print(event, json: json) }
            }
            return
        }
        query.append(URLQueryItem(name: "limit", value: "\(limit)"))
        let events = try await socket.withClient { try await $0.call(Endpoints.events, query: query) }
        if json { return try Terminal.printJSON(events) }
        for event in events.events { Swift.print(event.feedLine) }
    }

    static func print(_ event: Event, json: Bool) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            Swift.print(String(decoding: try encoder.encode(event), as: UTF8.self))
        } else {
            Swift.print(event.feedLine)
        }
        fflush(nil)
    }
}

/// `mailgate confirm CHANGE` and `mailgate revert CHANGE`: settle a pending tcp_proxy change.
struct Confirm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Confirm a pending tcp_proxy change, so it is not reverted.")
    @OptionGroup var socket: SocketOption
    @Argument(help: "The change's id (mailgate status lists them).") var change: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await ChangeDecision.send(Endpoints.confirmChange, change: change, socket: socket, json: json)
    }
}

struct Revert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Revert a pending tcp_proxy change now.")
    @OptionGroup var socket: SocketOption
    @Argument(help: "The change's id (mailgate status lists them).") var change: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await ChangeDecision.send(Endpoints.revertChange, change: change, socket: socket, json: json)
    }
}

enum ChangeDecision {
    static func send(_ endpoint: Endpoint<NoBody, PendingChangeInfo>, change: String, socket: SocketOption, json: Bool) async throws {
        let info = try await socket.withClient { try await $0.call(endpoint, id: change) }
        if json { return try Terminal.printJSON(info) }
        print("change \(info.id) \(info.state.rawValue): \(info.outcome ?? info.summary)")
    }
}

import AccessPolicy
import ArgumentParser
import Foundation
import Gate
import NIOPosix

/// `mailgate demo`: a gate on loopback in front of built-in greeting upstreams, with
/// synthetic traffic of every kind, and the live event feed. Ctrl-C cleans everything up.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a gate on 127.0.0.1 with sample upstreams, a sample access file and synthetic clients.")

    @Option(help: "First of three consecutive ports for imap, pop3 and smtp.") var basePort = 11143
    @Flag(help: "No synthetic traffic: just the gate and its upstreams.") var quiet = false

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailgate-demo-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let services = ["imap": "* OK [demo] IMAP upstream ready", "pop3": "+OK [demo] POP3 upstream ready",
                        "smtp": "220 demo.invalid ESMTP demo upstream ready"]
        var upstreams: [String: (GreetingServer, Int)] = [:]
        for (service, greeting) in services {
            let server = GreetingServer(greeting: greeting, expectsProxyHeader: true)
            upstreams[service] = (server, try await server.start(group: group))
        }
        let ports = ["imap": basePort, "pop3": basePort + 1, "smtp": basePort + 2]
        let configPath = directory.appendingPathComponent("mailgate.toml").path
        try DemoFiles.config(ports: ports, upstreamPorts: upstreams.mapValues(\.1), directory: directory.path)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        try DemoFiles.access.write(toFile: directory.appendingPathComponent("access.toml").path, atomically: true, encoding: .utf8)

        let (configuration, lists) = try ConfigOption.at(configPath).loadWithLists()
        print("""
            mailgate demo — gate on 127.0.0.1 ports imap \(ports["imap"]!), pop3 \(ports["pop3"]!), smtp \(ports["smtp"]!)
            files: \(configPath) and access.toml beside it (edit it: the gate reloads within a second)
            sources: 127.0.0.10-19 direct customers · 127.0.0.2 flagged load balancer (sends PROXY v2)
                     127.0.0.3 load balancer whose flag is missing · 127.0.0.20 flagged, sends no header · 127.0.0.66 blacklisted
            The console (mailgate tui) is not built yet; this is the live event feed it will show. Ctrl-C stops.

            """)
        let quiet = self.quiet
        try await GateRunner(configuration: configuration, lists: lists, logger: GateRunner.makeLogger(level: .warning))
            .run { gate in
                let feed = Task {
                    for await event in gate.state.journal.subscribe() { print(EventLine.format(event)) }
                }
                if !quiet {
                    await DemoTraffic(ports: Array(ports.values).sorted(), group: group).run()
                }
                await withTaskCancellationHandler { await feed.value } onCancel: { feed.cancel() }
            }
        for (server, _) in upstreams.values { await server.stop() }
        try await group.shutdownGracefully()
    }
}

/// The sample files the demo writes.
enum DemoFiles {
    static func config(ports: [String: Int], upstreamPorts: [String: Int], directory: String) -> String {
        var text = """
            # mailgate demo configuration (written by `mailgate demo`)
            access_file = "access.toml"
            shutdown_grace = "1s"

            [control]
            socket = "\(directory)/control.sock"
            revert_after = "120s"

            """
        for service in ["imap", "pop3", "smtp"] {
            text += """

                [[listener]]
                service = "\(service)"
                listen = ["127.0.0.1:\(ports[service]!)"]
                upstream = "127.0.0.1:\(upstreamPorts[service]!)"
                upstream_proxy = "v2"
                proxy_header_timeout = "2s"

                """
        }
        return text
    }

    static let access = """
        # mailgate demo access file
        [[whitelist]]
        source = "127.0.0.2"
        description = "lb1: load balancer, sends PROXY v2"
        services = ["imap", "pop3"]
        tcp_proxy = true

        [[whitelist]]
        source = "127.0.0.20"
        description = "flagged, but sends no header"
        services = ["all"]
        tcp_proxy = true

        [[whitelist]]
        source = "127.0.0.3"
        description = "lb2: a load balancer whose TCP Proxy flag is missing"
        services = ["all"]

        [[whitelist]]
        source = "127.0.0.10-127.0.0.19"
        description = "office"
        services = ["all"]

        [[blacklist]]
        source = "127.0.0.66"
        description = "brute force"
        services = ["all"]

        """
}

/// One event as a line of the demo's feed (and of `mailgate events`).
enum EventLine {
    static func format(_ event: GateEvent) -> String {
        let time = event.time.formatted(.iso8601.time(includingFractionalSeconds: false))
        var parts = [time, event.kind.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)]
        if let reason = event.reason { parts.append(reason.rawValue) }
        if let service = event.service { parts.append(service) }
        if let peer = event.peer { parts.append("from \(peer)") }
        if let client = event.realClient { parts.append("for \(client)") }
        if let sent = event.bytesFromClient, let received = event.bytesToClient { parts.append("\(sent)↑ \(received)↓ bytes") }
        if let detail = event.detail, event.kind != .accepted { parts.append(detail) }
        return parts.joined(separator: "  ")
    }
}

import AccessPolicy
import ArgumentParser
import Console
import Foundation
import Gate
import MailgateAPI
import NIOPosix

/// `mailgate demo`: a gate on loopback in front of built-in greeting upstreams, with
/// synthetic traffic of every kind, and the console on it (or, without a terminal or with
/// `--no-console`, the live event feed). Quitting (q, or Ctrl-C) cleans everything up.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a gate on 127.0.0.1 with sample upstreams, a sample access file and synthetic clients.")

    @Option(help: "First of three consecutive ports for imap, pop3 and smtp.") var basePort = 11143
    @Flag(help: "No synthetic traffic: just the gate and its upstreams.") var quiet = false
    @Flag(help: "Print the live event feed instead of opening the console (also when stdout is not a terminal).")
    var noConsole = false
    @Option(help: ArgumentHelp("Where the demo's control socket goes (default: in its temporary directory).", valueName: "PATH"))
    var socket: String?
    @Option(help: ArgumentHelp("The console's theme (default, light, high-contrast, mono) or a .theme file.", valueName: "NAME|PATH"))
    var theme: String?
    @Flag(help: "Enable the mouse in the console.") var mouse = false

    func run() async throws {
        let console = !noConsole && isatty(STDOUT_FILENO) != 0 && isatty(STDIN_FILENO) != 0
        let chosenTheme: Theme
        do { chosenTheme = try Theme.load(theme) } catch {
            Terminal.printError("\(error)")
            throw ExitCode(1)
        }
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
        let socketPath = socket ?? directory.appendingPathComponent("control.sock").path
        try DemoFiles.config(ports: ports, upstreamPorts: upstreams.mapValues(\.1), socket: socketPath)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        try DemoFiles.access.write(toFile: directory.appendingPathComponent("access.toml").path, atomically: true, encoding: .utf8)

        let (configuration, lists) = try ConfigOption.at(configPath).loadWithLists()
        let quiet = self.quiet
        if console {
            let session = ConsoleSession(socketPath: socketPath)
            let failure = ConsoleFailure()
            let mouse = self.mouse
            // The console owns the terminal: the gate only logs what is critical.
            try await GateRunner(configuration: configuration, lists: lists, logger: GateRunner.makeLogger(level: .critical))
                .run(stopWhenDone: true) { gate in
                    let traffic = Task {
                        if !quiet { await DemoTraffic(ports: Array(ports.values).sorted(), group: group).run() }
                    }
                    await withTaskCancellationHandler {
                        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                            // curses is driven from this one thread only.
                            let thread = Thread {
                                do {
                                    try session.run(theme: chosenTheme, readonly: false, mouse: mouse, installSignalHandlers: false)
                                } catch {
                                    failure.set("\(error)")
                                }
                                done.resume()
                            }
                            thread.name = "console"
                            thread.start()
                        }
                    } onCancel: {
                        session.requestStop()
                    }
                    traffic.cancel()
                }
            for (server, _) in upstreams.values { await server.stop() }
            try await group.shutdownGracefully()
            if let message = failure.message {
                Terminal.printError(message)
                throw ExitCode(1)
            }
            return
        }
        print("""
            mailgate demo — gate on 127.0.0.1 ports imap \(ports["imap"]!), pop3 \(ports["pop3"]!), smtp \(ports["smtp"]!)
            files: \(configPath) and access.toml beside it (edit it: the gate reloads within a second)
            control socket: \(socketPath) (mailgate tui --socket \(socketPath))
            sources: 127.0.0.10-19 direct customers · 127.0.0.2 flagged load balancer (sends PROXY v2)
                     127.0.0.3 load balancer whose flag is missing · 127.0.0.20 flagged, sends no header · 127.0.0.66 blacklisted
            The live event feed (run in a terminal without --no-console for the console). Ctrl-C stops.

            """)
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
    static func config(ports: [String: Int], upstreamPorts: [String: Int], socket: String) -> String {
        var text = """
            # mailgate demo configuration (written by `mailgate demo`)
            access_file = "access.toml"
            shutdown_grace = "1s"

            [control]
            socket = "\(socket.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))"
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

/// The console's startup error, carried out of its thread.
final class ConsoleFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var text: String?
    func set(_ message: String) { lock.withLock { text = message } }
    var message: String? { lock.withLock { text } }
}

/// One event as a line of the demo's feed (and of `mailgate events`).
enum EventLine {
    static func format(_ item: Event) -> String {
        let time = item.time.formatted(.iso8601.time(includingFractionalSeconds: false))
        var parts = [time, item.kindName.padding(toLength: 14, withPad: " ", startingAt: 0)]
        guard let event = item.gate else {
            if let detail = item.control?.detail { parts.append(detail) }
            return parts.joined(separator: "  ")
        }
        if let reason = event.reason { parts.append(reason.rawValue) }
        if let service = event.service { parts.append(service) }
        if let peer = event.peer { parts.append("from \(peer)") }
        if let client = event.realClient { parts.append("for \(client)") }
        if let sent = event.bytesFromClient, let received = event.bytesToClient { parts.append("\(sent)↑ \(received)↓ bytes") }
        if let detail = event.detail, event.kind != .accepted { parts.append(detail) }
        return parts.joined(separator: "  ")
    }
}

import AccessPolicy
import Console
import Daemon
import Foundation
import Gate
import MailgateAPI
import NIOPosix

/// `mailgate demo`: a gate on loopback in front of built-in greeting upstreams, with
/// synthetic traffic of every kind, and the console on it (or the live event feed).
/// Quitting (q, or Ctrl-C) cleans everything up: the daemon, the upstreams, the files.
public struct MailgateDemo: Sendable {
    /// The console's look, when the demo shows the console rather than the event feed.
    public struct ConsoleOptions: Sendable {
        public var theme: Theme
        public var mouse: Bool

        public init(theme: Theme, mouse: Bool) {
            self.theme = theme
            self.mouse = mouse
        }
    }

    /// First of three consecutive ports for imap, pop3 and smtp.
    public var basePort: Int
    public var syntheticTraffic: Bool
    /// The control socket (default: in the demo's temporary directory).
    public var socketPath: String?
    /// nil: print the live event feed instead.
    public var console: ConsoleOptions?
    public var version: String

    public init(basePort: Int, syntheticTraffic: Bool, socketPath: String?, console: ConsoleOptions?, version: String) {
        self.basePort = basePort
        self.syntheticTraffic = syntheticTraffic
        self.socketPath = socketPath
        self.console = console
        self.version = version
    }

    public func run() async throws(DemoFailure) {
        do {
            try await runSite()
        } catch let failure as DemoFailure {
            throw failure
        } catch let failure as DaemonFailure {
            throw DemoFailure(failure.description)
        } catch {
            throw DemoFailure("\(error)")
        }
    }

    private func runSite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailgate-demo-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstreams = try await DemoUpstreams.start(group: group)
        let ports = ["imap": basePort, "pop3": basePort + 1, "smtp": basePort + 2]
        let configPath = directory.appendingPathComponent("mailgate.toml").path
        let socketPath = self.socketPath ?? directory.appendingPathComponent("control.sock").path
        try DemoFiles.config(ports: ports, upstreamPorts: upstreams.ports, socket: socketPath)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        try DemoFiles.access.write(toFile: directory.appendingPathComponent("access.toml").path, atomically: true, encoding: .utf8)
        let configuration: GateConfiguration, lists: AccessLists
        do {
            configuration = try GateConfiguration.load(path: configPath)
            lists = try configuration.loadAccessLists()
        } catch {
            throw DemoFailure(error.problems.map(\.description).joined(separator: "\n"))
        }

        let traffic = syntheticTraffic ? DemoTraffic(ports: Array(ports.values).sorted(), group: group) : nil
        do {
            if let console {
                try await runWithConsole(console, configuration: configuration, lists: lists, socketPath: socketPath, traffic: traffic)
            } else {
                print(Self.introduction(ports: ports, configPath: configPath, socketPath: socketPath))
                try await runWithFeed(configuration: configuration, lists: lists, traffic: traffic)
            }
        } catch {
            await upstreams.stop()
            try? await group.shutdownGracefully()
            throw error
        }
        await upstreams.stop()
        try await group.shutdownGracefully()
    }

    /// The console owns the terminal: the daemon only logs what is critical, and quitting the console stops it.
    private func runWithConsole(_ options: ConsoleOptions, configuration: GateConfiguration, lists: AccessLists,
                                socketPath: String, traffic: DemoTraffic?) async throws {
        let session = ConsoleSession(socketPath: socketPath)
        let failure = ConsoleFailure()
        let daemon = Daemon(configuration: configuration, lists: lists, logger: .standardError(level: .critical), version: version)
        try await daemon.run(beside: Companion(stopsDaemonWhenDone: true) { _ in
            let clients = Task { await traffic?.run() }
            let message = await ConsoleThread.run(session, theme: options.theme, mouse: options.mouse)
            failure.message.withLock { $0 = message }
            clients.cancel()
        })
        if let message = failure.message.withLock({ $0 }) { throw DemoFailure(message) }
    }

    private func runWithFeed(configuration: GateConfiguration, lists: AccessLists, traffic: DemoTraffic?) async throws {
        let daemon = Daemon(configuration: configuration, lists: lists, logger: .standardError(level: .warning), version: version)
        try await daemon.run(beside: Companion(stopsDaemonWhenDone: false) { running in
            let feed = Task {
                for await event in running.events() { print(event.feedLine) }
            }
            await traffic?.run()
            await withTaskCancellationHandler { await feed.value } onCancel: { feed.cancel() }
        })
    }

    static func introduction(ports: [String: Int], configPath: String, socketPath: String) -> String {
        """
        mailgate demo — gate on 127.0.0.1 ports imap \(ports["imap"]!), pop3 \(ports["pop3"]!), smtp \(ports["smtp"]!)
        files: \(configPath) and access.toml beside it (edit it: the gate reloads within a second)
        control socket: \(socketPath) (mailgate tui --socket \(socketPath))
        sources: 127.0.0.10-19 direct customers · 127.0.0.2 flagged load balancer (sends PROXY v2)
                 127.0.0.3 load balancer whose flag is missing · 127.0.0.20 flagged, sends no header · 127.0.0.66 blacklisted
        The live event feed (run in a terminal without --no-console for the console). Ctrl-C stops.

        """
    }
}

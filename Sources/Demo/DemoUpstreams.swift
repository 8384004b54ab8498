import NIOPosix

/// The demo's upstreams: one greeting server per service on 127.0.0.1, each expecting the
/// PROXY v2 header the gate sends, on ports the system picks.
struct DemoUpstreams {
    static let greetings = ["imap": "* OK [demo] IMAP upstream ready", "pop3": "+OK [demo] POP3 upstream ready",
                            "smtp": "220 demo.invalid ESMTP demo upstream ready"]

    private(set) var servers: [GreetingServer] = []
    /// The bound port of each service's upstream.
    private(set) var ports: [String: Int] = [:]

    static func start(group: MultiThreadedEventLoopGroup) async throws -> DemoUpstreams {
        var upstreams = DemoUpstreams()
        for (service, greeting) in greetings {
            let server = GreetingServer(greeting: greeting, expectsProxyHeader: true)
            upstreams.servers.append(server)
            upstreams.ports[service] = try await server.start(group: group)
        }
        return upstreams
    }

    func stop() async {
        for server in servers { await server.stop() }
    }
}

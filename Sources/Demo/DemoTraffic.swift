import Foundation
import NIOCore
import NIOPosix
import NetAddress
import ProxyProtocol

/// Synthetic clients for `mailgate demo`, each playing one kind of source on loopback:
/// direct customers, customers behind a flagged load balancer, a load balancer whose flag
/// is missing, a flagged source that sends no header, and a blacklisted client.
struct DemoTraffic: Sendable {
    struct Role: Sendable {
        var name: String
        var sources: [String]
        /// Builds the bytes sent first (a PROXY header), if any, for the n-th connection.
        var firstBytes: @Sendable (Int) -> [UInt8]?
        /// Connections per round.
        var weight: Int
    }

    let ports: [Int]
    let group: EventLoopGroup

    static func roles() -> [Role] {
        @Sendable func header(_ n: Int) -> [UInt8] {
            let client = SocketEndpoint(address: .v4(0xCB00_7100 | UInt32(10 + n % 40)), port: UInt16(40_000 + n % 20_000))
            return ProxyHeader(version: .v2, command: .proxy, transport: .stream,
                               addresses: .inet(source: client, destination: SocketEndpoint(address: .v4(0xC000_0201), port: 143)),
                               tlvs: []).encoded()
        }
        return [
            Role(name: "direct customers", sources: (10...19).map { "127.0.0.\($0)" }, firstBytes: { _ in nil }, weight: 4),
            Role(name: "customers via lb1 (flagged)", sources: ["127.0.0.2"], firstBytes: { header($0) }, weight: 3),
            Role(name: "lb2, flag missing", sources: ["127.0.0.3"], firstBytes: { header($0) }, weight: 1),
            Role(name: "flagged, sends no header", sources: ["127.0.0.20"], firstBytes: { _ in nil }, weight: 1),
            Role(name: "blacklisted", sources: ["127.0.0.66"], firstBytes: { _ in nil }, weight: 1),
        ]
    }

    /// Runs rounds of connections until cancelled.
    func run() async {
        var round = 0
        while !Task.isCancelled {
            for role in Self.roles() {
                for n in 0..<role.weight {
                    let source = role.sources[(round + n) % role.sources.count]
                    let port = ports[(round + n) % ports.count]
                    let first = role.firstBytes(round * 10 + n)
                    Task { await visit(from: source, port: port, firstBytes: first) }
                }
            }
            round += 1
            try? await Task.sleep(for: .milliseconds(900))
        }
    }

    /// One short session: connect, maybe send a header, wait for a greeting, log out.
    private func visit(from source: String, port: Int, firstBytes: [UInt8]?) async {
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(2))
                .bind(to: try SocketAddress(ipAddress: source, port: 0))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(DemoSession(firstBytes: firstBytes))
                    }
                }
                .connect(host: "127.0.0.1", port: port).get()
            channel.eventLoop.scheduleTask(in: .seconds(5)) { channel.close(promise: nil) }
            try await channel.closeFuture.get()
        } catch {
            // A refused or reset connection is part of the show, not an error.
        }
    }
}

private final class DemoSession: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let firstBytes: [UInt8]?
    private var loggedOut = false

    init(firstBytes: [UInt8]?) { self.firstBytes = firstBytes }

    func channelActive(context: ChannelHandlerContext) {
        if let firstBytes { context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: firstBytes)), promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let text = String(buffer: unwrapInboundIn(data))
        if !loggedOut && (text.hasPrefix("* OK") || text.hasPrefix("+OK") || text.hasPrefix("220")) {
            loggedOut = true
            let pause = TimeAmount.milliseconds(Int64.random(in: 200...3000))
            context.eventLoop.assumeIsolated().scheduleTask(in: pause) {
                context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(string: "a1 LOGOUT\r\n")), promise: nil)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

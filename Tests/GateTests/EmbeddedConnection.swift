import AccessPolicy
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NetAddress
@testable import Gate

/// One client connection through the gate's NIO drivers, without sockets: the client and
/// its upstream are `EmbeddedChannel`s on one `EmbeddedEventLoop`, whose `advanceTime`
/// drives the header timer, the refusal linger and the idle sweep. The upstream connect
/// waits until the test completes or fails it.
final class EmbeddedConnection {
    static let upstreamAddress = try! SocketAddress(ipAddress: "127.0.0.1", port: 1143)
    static let local = try! SocketAddress(ipAddress: "127.0.0.1", port: 143)

    let loop = EmbeddedEventLoop()
    let state: GateState
    let connector = ScriptedConnector()
    let client: EmbeddedChannel
    /// The reads and closes the client handler asked of the client socket.
    let clientLog = ChannelLog()
    private(set) var upstream: EmbeddedChannel?
    private(set) var upstreamLog = ChannelLog()
    private let idleSweeps: IdleSweeps

    init(whitelist: [AccessEntry] = [entry("127.0.0.2", ["imap"], proxy: true)],
         blacklist: [AccessEntry] = [entry("127.0.0.66")],
         headerTimeout: Duration = .seconds(5), idleTimeout: Duration = .seconds(60)) throws {
        let configuration = ListenerConfiguration(
            service: "imap", listen: [SocketEndpoint(address: .v4(0x7F00_0001), port: 143)],
            upstream: SocketEndpoint(address: .v4(0x7F00_0001), port: 1143),
            upstreamProxy: .v2, proxyHeaderTimeout: headerTimeout, replyProtocol: .imap,
            connectTimeout: .seconds(2), idleTimeout: idleTimeout)
        let policy = AccessPolicy(lists: AccessLists(whitelist: whitelist, blacklist: blacklist), services: ["imap"])
        var logger = Logger(label: "gate-test")
        logger.logLevel = .critical
        state = GateState(policy: policy, limits: ConnectionLimits(), logger: logger)
        idleSweeps = IdleSweeps(loops: [loop], interval: IdleSweep.interval(for: [configuration]))
        let listener = ListenerContext(configuration: configuration, endpoint: "127.0.0.1:143", state: state,
                                       idleSweeps: idleSweeps, connector: connector)
        client = EmbeddedChannel(loop: loop)
        try client.pipeline.syncOperations.addHandler(clientLog)
        try client.pipeline.syncOperations.addHandler(ClientConnectionHandler(listener: listener))
    }

    deinit {
        idleSweeps.sweep(on: loop)?.stop()
    }

    /// The client connects from `source`.
    func accept(from source: String, port: Int = 40000) throws {
        let remote = try SocketAddress(ipAddress: source, port: port)
        client.remoteAddress = remote
        client.localAddress = Self.local
        try client.connect(to: remote).wait()
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        try client.writeInbound(ByteBuffer(bytes: bytes))
    }

    /// The client half-closes.
    func halfClose() {
        client.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
    }

    /// Everything written to the client since the last call.
    func receivedByClient() throws -> String {
        String(decoding: try Self.drain(client), as: UTF8.self)
    }

    /// Everything written to the upstream since the last call.
    func receivedByUpstream() throws -> [UInt8] {
        guard let upstream else { return [] }
        return try Self.drain(upstream)
    }

    private static func drain(_ channel: EmbeddedChannel) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { bytes += Array(buffer.readableBytesView) }
        return bytes
    }

    /// Completes the upstream connect the gate asked for.
    @discardableResult
    func connectUpstream() throws -> EmbeddedChannel {
        let request = try connector.takeRequest()
        let channel = EmbeddedChannel(loop: loop)
        upstreamLog = ChannelLog()
        try channel.pipeline.syncOperations.addHandler(upstreamLog)
        try channel.pipeline.syncOperations.addHandler(request.relay)
        try channel.connect(to: request.address).wait()
        upstream = channel
        request.promise.succeed(channel)
        return channel
    }

    /// Fails the upstream connect the gate asked for.
    func failUpstream() throws {
        try connector.takeRequest().promise.fail(ChannelError.connectTimeout(.seconds(2)))
    }

    /// The kinds of events the gate recorded, and the reasons of its refusals.
    var events: [String] {
        state.journal.recent().compactMap(\.gate).map { event in
            event.reason.map { "\(event.kind.rawValue):\($0.rawValue)" } ?? event.kind.rawValue
        }
    }

    /// Direct connections counted for `source` (the impact report's figure).
    func directCount(_ source: String) -> Int {
        state.windows.activity(source: IPAddress(source)!, services: ["imap"], windowSeconds: 900,
                               now: Int64(Date().timeIntervalSince1970)).direct
    }
}

/// Hands each upstream connect to the test, which completes or fails it.
final class ScriptedConnector: UpstreamConnector, @unchecked Sendable {
    // Unchecked: used only on the embedded loop's thread, which is the test's.
    struct Request {
        var address: SocketAddress
        var relay: UpstreamRelayHandler
        var promise: EventLoopPromise<Channel>
    }

    struct NoConnectRequested: Error {}

    private(set) var requests: [Request] = []

    func connect(to address: SocketAddress, timeout: TimeAmount, relay: UpstreamRelayHandler,
                 on loop: EventLoop) -> EventLoopFuture<Channel> {
        let promise = loop.makePromise(of: Channel.self)
        requests.append(Request(address: address, relay: relay, promise: promise))
        return promise.futureResult
    }

    func takeRequest() throws -> Request {
        guard !requests.isEmpty else { throw NoConnectRequested() }
        return requests.removeFirst()
    }
}

/// Records the reads and closes a handler asks of its socket. A half-close (`.output`) is
/// recorded and stopped here: an `EmbeddedChannel` would close entirely.
final class ChannelLog: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer

    private(set) var reads = 0
    private(set) var closes: [CloseMode] = []

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        closes.append(mode)
        if mode == .output {
            promise?.succeed(())
        } else {
            context.close(mode: mode, promise: promise)
        }
    }
}

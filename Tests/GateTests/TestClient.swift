import TestSupport
import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A scripted TCP client for loopback tests: binds a chosen source address, collects what
/// it receives, and waits for text or for the close with a deadline (never a bare sleep).
final class TestClient: Sendable {
    private let channel: Channel
    private let received: Received

    private init(channel: Channel, received: Received) {
        self.channel = channel
        self.received = received
    }

    static func connect(from source: String, to port: Int, host: String = "127.0.0.1",
                        group: EventLoopGroup) async throws -> TestClient {
        let received = Received()
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .bind(to: try SocketAddress(ipAddress: source, port: 0))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ReceivingHandler(received: received))
                }
            }
            .connect(host: host, port: port).get()
        return TestClient(channel: channel, received: received)
    }

    var text: String { received.state.withLock { String(decoding: $0.bytes, as: UTF8.self) } }
    var isClosed: Bool { received.state.withLock { $0.closed } }

    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Sends each byte in its own write, flushed, with a short pause so they arrive apart.
    func sendOneByteAtATime(_ bytes: [UInt8]) async throws {
        for byte in bytes {
            try await send([byte])
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    func closeOutput() async throws { try await channel.close(mode: .output) }
    func close() async { try? await channel.close() }

    /// Waits until the received text contains `needle`; fails the wait with what arrived.
    func waitFor(_ needle: String, within limit: Duration = .seconds(5)) async throws {
        try await waitUntil(limit, "\"\(needle)\"") { $0.text.contains(needle) }
    }

    func waitForClose(within limit: Duration = .seconds(5)) async throws {
        try await waitUntil(limit, "the connection to close") { $0.isClosed }
    }

    private func waitUntil(_ limit: Duration, _ what: String, _ condition: (TestClient) -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while !condition(self) {
            if ContinuousClock.now > deadline {
                throw WaitTimeout(description: "waited \(limit) for \(what); received so far: \(text.debugDescription), closed: \(isClosed)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}


private final class Received: Sendable {
    let state = Mutex<(bytes: [UInt8], closed: Bool)>(([], false))
}

private final class ReceivingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let received: Received
    init(received: Received) { self.received = received }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Array(buffer: unwrapInboundIn(data))
        received.state.withLock { $0.bytes += bytes }
    }
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { received.state.withLock { $0.closed = true } }
    }
    func channelInactive(context: ChannelHandlerContext) { received.state.withLock { $0.closed = true } }
}

import Foundation
import NIOCore
import NIOPosix
import NetAddress
import ProxyProtocol
import Synchronization

/// A minimal mail-like upstream for the demo and the tests: optionally takes a
/// PROXY header, greets, answers every line with `OK`, and says goodbye on QUIT/LOGOUT.
/// It remembers the real client each connection's header named.
public final class GreetingServer: Sendable {
    public let greeting: String
    public let expectsProxyHeader: Bool
    private let seen = Mutex<[SocketEndpoint?]>([])
    private let channel: Mutex<Channel?> = Mutex(nil)

    public init(greeting: String = "* OK mailgate demo upstream ready", expectsProxyHeader: Bool) {
        self.greeting = greeting
        self.expectsProxyHeader = expectsProxyHeader
    }

    /// Binds and serves on `group`; returns the bound port.
    @discardableResult
    public func start(host: String = "127.0.0.1", port: Int = 0, group: EventLoopGroup) async throws -> Int {
        let server = self
        let bound = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(GreetingSession(server: server))
                }
            }
            .bind(host: host, port: port).get()
        channel.withLock { $0 = bound }
        return bound.localAddress?.port ?? port
    }

    public func stop() async {
        let bound = channel.withLock { channel in
            defer { channel = nil }
            return channel
        }
        try? await bound?.close()
    }

    /// The real client named by each connection's PROXY header so far (nil for LOCAL/none).
    public var realClients: [SocketEndpoint?] { seen.withLock { $0 } }

    fileprivate func remember(_ client: SocketEndpoint?) { seen.withLock { $0.append(client) } }
}

private final class GreetingSession: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let server: GreetingServer
    private var buffer = ByteBuffer()
    private var greeted = false

    init(server: GreetingServer) {
        self.server = server
    }

    func channelActive(context: ChannelHandlerContext) {
        if !server.expectsProxyHeader { greet(context: context) }
        context.fireChannelActive()
    }

    private func greet(context: ChannelHandlerContext) {
        greeted = true
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: server.greeting + "\r\n")), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        if !greeted {
            switch ProxyHeaderDecoder.decode(buffer.readableBytesView) {
            case .needMoreData:
                return
            case .invalid:
                context.close(promise: nil)
                return
            case .decoded(let header, let consumed):
                buffer.moveReaderIndex(forwardBy: consumed)
                server.remember(header.realClient)
                greet(context: context)
            }
        }
        while let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - buffer.readerIndex + 1
            let line = buffer.readString(length: length)?.trimmingCharacters(in: .newlines) ?? ""
            let words = line.split(separator: " ")
            let tag = words.count > 1 ? String(words[0]) : ""
            let command = (words.count > 1 ? words[1] : words.first ?? "").uppercased()
            if command == "QUIT" || command == "LOGOUT" {
                let reply = tag.isEmpty ? "+OK bye\r\n" : "* BYE logging out\r\n\(tag) OK done\r\n"
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply)), promise: nil)
                context.close(promise: nil)
                return
            }
            let reply = tag.isEmpty ? "+OK\r\n" : "\(tag) OK \(command.lowercased()) done\r\n"
            context.write(wrapOutboundOut(ByteBuffer(string: reply)), promise: nil)
        }
        buffer.discardReadBytes()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

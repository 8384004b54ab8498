// A reference point, not a product: the least a SwiftNIO relay does per connection. Accept,
// connect the upstream on the same event loop, relay both ways with backpressure and
// half-close; no policy, no PROXY header, no registry, events or timers. Comparing its CPU per
// session with mailgate's separates what the gate adds from what NIO itself costs.
//   BareRelay --port P --upstream Q [--threads N]
import Foundation
import NIOCore
import NIOPosix

var port = 0
var upstreamPort = 0
var threads = System.coreCount
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch (argument, arguments.next().flatMap { Int($0) }) {
    case ("--port", let value?): port = value
    case ("--upstream", let value?): upstreamPort = value
    case ("--threads", let value?): threads = value
    default:
        FileHandle.standardError.write(Data("usage: BareRelay --port P --upstream Q [--threads N]\n".utf8))
        exit(2)
    }
}
let upstreamAddress = try SocketAddress(ipAddress: "127.0.0.1", port: upstreamPort)

/// Relays what one channel reads to its partner, reading only while the partner can take it.
final class RelayHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    var partner: Channel?
    private var context: ChannelHandlerContext?
    private var readDeferred = false
    private var pending: [ByteBuffer] = []
    private var inputClosed = false

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        if let partner { partner.write(bytes, promise: nil) } else { pending.append(bytes) }
    }

    func channelReadComplete(context: ChannelHandlerContext) { partner?.flush() }

    func read(context: ChannelHandlerContext) {
        if let partner, partner.isWritable { context.read() } else { readDeferred = true }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let other = partner?.pipeline.handler(type: RelayHandler.self).map({ $0 }) {
            other.whenSuccess { $0.resumeReading() }
        }
    }

    func resumeReading() {
        guard readDeferred, let context else { return }
        readDeferred = false
        context.read()
    }

    /// The partner is connected: hand over what arrived meanwhile.
    func attach(_ partner: Channel) {
        self.partner = partner
        for bytes in pending { partner.write(bytes, promise: nil) }
        pending = []
        partner.flush()
        if inputClosed { partner.close(mode: .output, promise: nil) }
        resumeReading()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            inputClosed = true
            partner?.close(mode: .output, promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

final class AcceptedHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    func channelActive(context: ChannelHandlerContext) {
        let client = context.channel
        let clientRelay = try! client.pipeline.syncOperations.handler(type: RelayHandler.self)
        let boundRelay = NIOLoopBound(clientRelay, eventLoop: context.eventLoop)
        ClientBootstrap(group: context.eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.syncOptions?.setOption(.allowRemoteHalfClosure, value: true)
                    let relay = RelayHandler()
                    relay.partner = client
                    try channel.pipeline.syncOperations.addHandler(relay)
                }
            }
            .connect(to: upstreamAddress)
            .whenComplete { result in
                switch result {
                case .success(let upstream): boundRelay.value.attach(upstream)
                case .failure: client.close(promise: nil)
                }
            }
        context.fireChannelActive()
    }
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
let server = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.syncOptions?.setOption(.allowRemoteHalfClosure, value: true)
            try channel.pipeline.syncOperations.addHandler(RelayHandler())
            try channel.pipeline.syncOperations.addHandler(AcceptedHandler())
        }
    }
    .bind(host: "127.0.0.1", port: port).wait()
FileHandle.standardOutput.write(Data("bare relay on \(server.localAddress!) threads=\(threads)\n".utf8))
try server.closeFuture.wait()

import NIOCore

/// The upstream half of a relayed connection: hands the mail server's bytes to the client
/// side and reads from the server only while the client can take more (backpressure).
final class UpstreamRelayHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let client: ClientConnectionHandler
    private var context: ChannelHandlerContext?
    private var readDeferred = false

    init(client: ClientConnectionHandler) {
        self.client = client
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        client.relayToClient(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        client.flushToClient()
    }

    func read(context: ChannelHandlerContext) {
        if client.isClientWritable { context.read() } else { readDeferred = true }
    }

    func clientBecameWritable() {
        guard readDeferred, let context else { return }
        readDeferred = false
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { client.upstreamBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            client.upstreamInputClosed()
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        client.upstreamClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

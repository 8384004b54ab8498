import NIOCore

/// The upstream half of a relayed connection: a thin driver that hands the mail server's
/// bytes and events to the client side's `ClientConnectionHandler`, whose state machine
/// decides (reading from the server only while the client can take more, for backpressure).
final class UpstreamRelayHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let client: ClientConnectionHandler
    private var context: ChannelHandlerContext?

    init(client: ClientConnectionHandler) {
        self.client = client
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Reads now, for a read the state machine postponed.
    func read() {
        context?.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        client.upstreamRead(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        client.upstream(.readComplete)
    }

    func read(context: ChannelHandlerContext) {
        if client.upstreamMayRead() { context.read() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { client.upstream(.becameWritable) }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            client.upstream(.inputClosed)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        client.upstream(.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

/// What the upstream side reports besides its bytes.
enum UpstreamSignal {
    case readComplete
    case becameWritable
    case inputClosed
    case closed
}

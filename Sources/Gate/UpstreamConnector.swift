import MailgateAPI
import NIOCore
import NIOPosix

/// Opens the upstream connection of one client connection, with `relay` in its pipeline,
/// on the client's event loop. The gate uses `BootstrapUpstreamConnector`; tests put an
/// `EmbeddedChannel` behind the same call.
protocol UpstreamConnector: Sendable {
    func connect(to address: SocketAddress, timeout: TimeAmount, relay: UpstreamRelayHandler,
                 on loop: EventLoop) -> EventLoopFuture<Channel>
}

/// A real TCP connection, through NIO's `ClientBootstrap`.
struct BootstrapUpstreamConnector: UpstreamConnector {
    func connect(to address: SocketAddress, timeout: TimeAmount, relay: UpstreamRelayHandler,
                 on loop: EventLoop) -> EventLoopFuture<Channel> {
        let boundRelay = NIOLoopBound(relay, eventLoop: loop)
        return ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try RelayChannelOptions.apply(to: channel)
                    try channel.pipeline.syncOperations.addHandler(boundRelay.value)
                }
            }
            .connect(to: address)
    }
}

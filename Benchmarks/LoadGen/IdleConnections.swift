import Foundation
import NIOCore
import NIOPosix

/// Idle connections: opens `idle` connections (at most `concurrency` connecting at once) in
/// `batches` steps, waits until each has its greeting (so the proxy holds both legs), prints
/// a READY line after each step and holds for `hold` seconds; then closes them all. The
/// script reads the proxy's memory at each READY.
enum IdleConnections {
    static func run(options: Options, setup: ClientSetup, group: EventLoopGroup) throws -> Report {
        let started = NIODeadline.now()
        var open: [Channel] = []
        var errors = 0
        let batches = max(1, options.batches)
        for batch in 0..<batches {
            let target = options.idle * (batch + 1) / batches
            while open.count + errors < target {
                let attempts = (0..<min(options.concurrency, target - open.count - errors)).map { _ in
                    connect(setup: setup, loop: group.next(), source: setup.sources[(open.count + errors) % setup.sources.count])
                }
                for attempt in attempts {
                    if let channel = try? attempt.wait() { open.append(channel) } else { errors += 1 }
                }
            }
            // The script waits for this line, then reads the proxy's memory.
            FileHandle.standardOutput.write(Data("READY \(open.count)\n".utf8))
            usleep(UInt32(options.hold * 1e6))
        }
        let seconds = Double((NIODeadline.now() - started).nanoseconds) / 1e9
        var report = Report(label: options.label, mode: options.mode.rawValue)
        report["proxy_header"] = .bool(options.proxyHeader)
        report["open"] = .int(open.count)
        report["errors"] = .int(errors)
        report["seconds"] = .double(seconds)
        for channel in open { channel.close(promise: nil) }
        for channel in open { try? channel.closeFuture.wait() }
        return report
    }
}

extension IdleConnections {
    /// A connection that has had its greeting, so the proxy holds both legs.
    static func connect(setup: ClientSetup, loop: EventLoop, source: SocketAddress) -> EventLoopFuture<Channel> {
        let greeted = loop.makePromise(of: Void.self)
        let connected = setup.bootstrap(on: loop, source: source)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleHandler(header: setup.header, greeted: greeted))
                }
            }
            .connect(to: setup.target)
        connected.whenFailure { greeted.fail($0) }
        return connected.and(greeted.futureResult).map { channel, _ in channel }
    }
}

/// Waits for the greeting, then sits there.
final class IdleHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let header: ByteBuffer?
    private let greeted: EventLoopPromise<Void>
    private var lines = LineReader()

    init(header: ByteBuffer?, greeted: EventLoopPromise<Void>) {
        self.header = header
        self.greeted = greeted
    }

    func channelActive(context: ChannelHandlerContext) {
        if let header { context.writeAndFlush(wrapOutboundOut(header), promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if lines.takeLines(from: &bytes) > 0 { greeted.succeed() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        greeted.fail(ChannelError.ioOnClosedChannel)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

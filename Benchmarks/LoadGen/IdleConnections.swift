import Foundation
import NIOCore
import NIOPosix

/// Idle connections: opens `idle` connections (at most `concurrency` connecting at once),
/// waits until each has its greeting (so the proxy holds both legs), prints a ready line,
/// holds them for `hold` seconds and closes them. The script reads the proxy's memory
/// while they are held.
enum IdleConnections {
    static func run(options: Options, setup: ClientSetup, group: EventLoopGroup) throws -> Report {
        let started = NIODeadline.now()
        var open: [Channel] = []
        var errors = 0
        var index = 0
        while index < options.idle {
            let batch = min(options.concurrency, options.idle - index)
            let attempts = (0..<batch).map { offset -> EventLoopFuture<Channel> in
                let loop = group.next()
                let source = setup.sources[(index + offset) % setup.sources.count]
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
            for attempt in attempts {
                if let channel = try? attempt.wait() { open.append(channel) } else { errors += 1 }
            }
            index += batch
        }
        let seconds = Double((NIODeadline.now() - started).nanoseconds) / 1e9
        var report = Report(label: options.label, mode: options.mode.rawValue)
        report["proxy_header"] = .bool(options.proxyHeader)
        report["open"] = .int(open.count)
        report["errors"] = .int(errors)
        report["open_seconds"] = .double(seconds)
        // The script waits for this line, then reads the proxy's memory.
        FileHandle.standardOutput.write(Data("READY \(open.count)\n".utf8))
        usleep(UInt32(options.hold * 1e6))
        for channel in open { channel.close(promise: nil) }
        for channel in open { try? channel.closeFuture.wait() }
        return report
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

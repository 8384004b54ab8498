import Foundation
import NIOCore
import NIOPosix

/// Bulk relay: `concurrency` connections each switch the greeter to echo (`ECHO`), then
/// keep the pipe full with `chunk`-sized writes and read the echo back. Throughput counts
/// what came back after the warm-up, twice: each echoed byte crossed the proxy both ways.
enum BulkRelay {
    static func run(options: Options, setup: ClientSetup, group: EventLoopGroup) throws -> Report {
        var open: [Channel] = []
        var received = 0, errors = 0, seconds = 0.0
        for _ in 0..<max(1, options.batches) {
            let batch = try streamBatch(options: options, setup: setup, group: group)
            open += batch.channels
            received += batch.received
            errors += batch.errors
            seconds += batch.seconds
            if options.hold > 0 {
                // The connections stay open and quiet after moving data: what does the proxy keep?
                usleep(500_000)
                FileHandle.standardOutput.write(Data("READY \(open.count)\n".utf8))
                usleep(UInt32(options.hold * 1e6))
            }
        }
        for channel in open { channel.close(promise: nil) }
        for channel in open { try? channel.closeFuture.wait() }
        var report = Report(label: options.label, mode: options.mode.rawValue)
        report["proxy_header"] = .bool(options.proxyHeader)
        report["concurrency"] = .int(options.concurrency)
        report["errors"] = .int(errors)
        report["seconds"] = .double(seconds)
        report["bytes"] = .int(2 * received)
        report["mb_per_s"] = .double(Double(2 * received) / 1_000_000 / seconds)
        return report
    }

    /// Opens `concurrency` connections, streams for `duration`, then stops writing; the
    /// connections are returned open.
    private static func streamBatch(options: Options, setup: ClientSetup, group: EventLoopGroup) throws
        -> (channels: [Channel], received: Int, errors: Int, seconds: Double)
    {
        let start = NIODeadline.now()
        let warmupEnd = start + .nanoseconds(Int64(options.warmup * 1e9))
        let deadline = warmupEnd + .nanoseconds(Int64(options.duration * 1e9))
        let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: options.chunk)

        var sessions: [(EventLoop, NIOLoopBound<BulkHandler>, Channel)] = []
        var errors = 0
        for index in 0..<options.concurrency {
            let loop = group.next()
            let handler = try loop.submit {
                NIOLoopBound(BulkHandler(header: setup.header, chunk: chunk, warmupEnd: warmupEnd), eventLoop: loop)
            }.wait()
            let source = setup.sources[index % setup.sources.count]
            do {
                let channel = try setup.bootstrap(on: loop, source: source)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler.value) }
                    }
                    .connect(to: setup.target).wait()
                sessions.append((loop, handler, channel))
            } catch {
                errors += 1
            }
        }
        let now = NIODeadline.now()
        if now < deadline { usleep(UInt32((deadline - now).nanoseconds / 1000)) }

        var received = 0
        for (loop, handler, _) in sessions {
            let (bytes, streaming) = try loop.submit { () -> (Int, Bool) in
                handler.value.stopWriting()
                return (handler.value.measuredBytes, handler.value.streaming)
            }.wait()
            received += bytes
            if !streaming { errors += 1 }
        }
        let seconds = Double((deadline - max(warmupEnd, start)).nanoseconds) / 1e9
        return (sessions.map(\.2), received, errors, seconds)
    }
}

final class BulkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let echoCommand = ByteBuffer(string: "ECHO\r\n")

    private let header: ByteBuffer?
    private let chunk: ByteBuffer
    private let warmupEnd: NIODeadline
    private var lines = LineReader()
    private var linesSeen = 0
    private var sentEcho = false
    private(set) var streaming = false
    private(set) var measuredBytes = 0

    init(header: ByteBuffer?, chunk: ByteBuffer, warmupEnd: NIODeadline) {
        self.header = header
        self.chunk = chunk
        self.warmupEnd = warmupEnd
    }

    func channelActive(context: ChannelHandlerContext) {
        if let header { context.writeAndFlush(wrapOutboundOut(header), promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if streaming {
            count(bytes.readableBytes)
            return
        }
        linesSeen += lines.takeLines(from: &bytes)
        if linesSeen >= 1 && !sentEcho {
            sentEcho = true
            context.writeAndFlush(wrapOutboundOut(Self.echoCommand), promise: nil)
        }
        if linesSeen >= 2 {
            streaming = true
            count(lines.remainder().readableBytes)
            fill(context: context)
        }
    }

    private func count(_ bytes: Int) {
        if NIODeadline.now() >= warmupEnd { measuredBytes += bytes }
    }

    private func fill(context: ChannelHandlerContext) {
        var writes = 0
        while context.channel.isWritable && writes < 16 {
            context.write(wrapOutboundOut(chunk), promise: nil)
            writes += 1
        }
        if writes > 0 { context.flush() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if streaming && !stopped { fill(context: context) }
    }

    private var stopped = false

    /// The measurement is over: send nothing more (what is in flight still comes back).
    func stopWriting() {
        stopped = true
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

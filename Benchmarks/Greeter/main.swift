// The upstream every proxy in the benchmark talks to, kept as cheap as possible so that the
// proxy in front of it is what gets measured. Two listeners:
//   --proxy-port P   expects a PROXY header first (what the gate and HAProxy send), then greets;
//   --direct-port Q  greets at once (the baseline for clients without a header).
// After the greeting every line gets `<tag> OK\r\n`; `QUIT` or `<tag> LOGOUT` ends the session;
// a line `ECHO` switches the session to echoing every byte back (the bulk relay test).
import Foundation
import NIOCore
import NIOPosix
import ProxyProtocol

struct Options {
    var proxyPort = 0
    var directPort = 0
    var threads = 1

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            let value = iterator.next().flatMap { Int($0) }
            switch (argument, value) {
            case ("--proxy-port", let port?): proxyPort = port
            case ("--direct-port", let port?): directPort = port
            case ("--threads", let count?): threads = max(1, count)
            default:
                print("usage: Greeter --proxy-port P --direct-port Q [--threads N]")
                exit(2)
            }
        }
    }
}

let greeting = ByteBuffer(string: "* OK greeter ready\r\n")
let echoing = ByteBuffer(string: "+OK echoing\r\n")
let bye = ByteBuffer(string: "* BYE\r\n")

final class GreeterSession: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase { case header, lines, echo }
    private var phase: Phase
    private var buffer = ByteBuffer()
    private var readDeferred = false

    init(expectsHeader: Bool) {
        phase = expectsHeader ? .header : .lines
    }

    func channelActive(context: ChannelHandlerContext) {
        if phase == .lines { context.writeAndFlush(wrapOutboundOut(greeting), promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if phase == .echo {
            context.write(data, promise: nil)
            return
        }
        if buffer.readableBytes == 0 {
            buffer = incoming
        } else {
            buffer.writeBuffer(&incoming)
        }
        if phase == .header {
            switch ProxyHeaderDecoder.decode(buffer.readableBytesView) {
            case .needMoreData:
                return
            case .invalid:
                context.close(promise: nil)
                return
            case .decoded(_, let consumed):
                buffer.moveReaderIndex(forwardBy: consumed)
                phase = .lines
                context.write(wrapOutboundOut(greeting), promise: nil)
            }
        }
        while phase == .lines, let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let line = buffer.readSlice(length: newline - buffer.readerIndex + 1)!
            let view = line.readableBytesView
            let space = view.firstIndex(of: UInt8(ascii: " "))
            let command = space.map { view[($0 + 1)...] } ?? view[...]
            if command.starts(with: Word.echo) {
                phase = .echo
                context.write(wrapOutboundOut(echoing), promise: nil)
                if buffer.readableBytes > 0 { context.write(wrapOutboundOut(buffer), promise: nil) }
                buffer = ByteBuffer()
                return
            }
            if command.starts(with: Word.quit) || command.starts(with: Word.logout) {
                context.writeAndFlush(wrapOutboundOut(bye), promise: nil)
                context.close(promise: nil)
                return
            }
            var reply = context.channel.allocator.buffer(capacity: 16)
            if let space { reply.writeBytes(view[..<space]) }
            reply.writeStaticString(" OK\r\n")
            context.write(wrapOutboundOut(reply), promise: nil)
        }
        if buffer.readableBytes == 0 { buffer = ByteBuffer() }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    // Echo backpressure: stop reading while the peer is not taking what we send.
    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable { context.read() } else { readDeferred = true }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable && readDeferred {
            readDeferred = false
            context.read()
        }
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

enum Word {
    static let echo = Array("ECHO".utf8)
    static let quit = Array("QUIT".utf8)
    static let logout = Array("LOGOUT".utf8)
}

let options = Options(CommandLine.arguments)
let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)

func serve(port: Int, expectsHeader: Bool) throws -> Channel {
    try ServerBootstrap(group: group)
        .serverChannelOption(.backlog, value: 4096)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelOption(.allowRemoteHalfClosure, value: true)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(GreeterSession(expectsHeader: expectsHeader))
            }
        }
        .bind(host: "127.0.0.1", port: port).wait()
}

let proxied = try serve(port: options.proxyPort, expectsHeader: true)
let direct = try serve(port: options.directPort, expectsHeader: false)
print("greeter proxy-port=\(proxied.localAddress!.port!) direct-port=\(direct.localAddress!.port!) threads=\(options.threads)")
try proxied.closeFuture.wait()

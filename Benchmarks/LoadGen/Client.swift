import NIOCore
import NIOPosix
import NetAddress
import ProxyProtocol

/// What every load-generating connection shares: where it connects from and to, and the
/// PROXY v2 header it sends when it plays the load balancer.
struct ClientSetup: Sendable {
    let target: SocketAddress
    let sources: [SocketAddress]
    let header: ByteBuffer?

    init(options: Options) throws {
        target = try SocketAddress(ipAddress: "127.0.0.1", port: options.port)
        sources = try options.sourceAddresses()
        if options.proxyHeader {
            // The real client behind the "load balancer": a documentation address.
            let client = SocketEndpoint(address: .v4(0xCB00_7109), port: 50_000)  // 203.0.113.9
            let destination = SocketEndpoint(address: .v4(0x7F00_0001), port: UInt16(options.port))
            let encoded = ProxyHeader(version: .v2, command: .proxy, transport: .stream,
                                      addresses: .inet(source: client, destination: destination)).encoded()
            header = ByteBuffer(bytes: encoded)
        } else {
            header = nil
        }
    }

    /// A bootstrap on `loop` that binds `source` without picking a port at bind time
    /// (IP_BIND_ADDRESS_NO_PORT), so the kernel chooses one per destination at connect and
    /// many thousands of sessions from one source address do not run out of ports.
    func bootstrap(on loop: EventLoop, source: SocketAddress) -> ClientBootstrap {
        ClientBootstrap(group: loop)
            .channelOption(.allowRemoteHalfClosure, value: false)
            .channelOption(ChannelOptions.Types.SocketOption(level: .ip, name: .init(rawValue: 24)), value: 1)
            .connectTimeout(.seconds(10))
            .bind(to: source)
    }
}

/// Reads CRLF-terminated lines out of whatever arrives.
struct LineReader {
    private var buffer = ByteBuffer()

    /// Appends `bytes`; returns how many complete lines are now waiting, consuming them.
    mutating func takeLines(from bytes: inout ByteBuffer) -> Int {
        if buffer.readableBytes == 0 {
            buffer = bytes
        } else {
            buffer.writeBuffer(&bytes)
        }
        var lines = 0
        while let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            buffer.moveReaderIndex(to: newline + 1)
            lines += 1
        }
        if buffer.readableBytes == 0 { buffer = ByteBuffer() }
        return lines
    }

    /// Whatever arrived after the last complete line.
    mutating func remainder() -> ByteBuffer {
        defer { buffer = ByteBuffer() }
        return buffer
    }
}

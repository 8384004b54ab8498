import NIOCore

/// The options every relayed channel (client side and upstream side) gets, set synchronously
/// from its initializer: a bootstrap's channel options are applied through a chain of
/// futures per option, which costs dozens of allocations on every connection.
enum RelayChannelOptions {
    /// NIO keeps each channel's last receive buffer for reuse, so its size is paid for every
    /// open connection, idle or not. NIO's default starts at 2 KiB; mail traffic on an idle
    /// session is a greeting, a PROXY header or a short command, which fit in 256 bytes.
    /// The allocator still grows (x16 per full read, up to 64 KiB) as soon as a connection
    /// moves bulk data, so relay throughput is unchanged.
    static let receiveBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 65536)

    /// TCP_NODELAY is not set here: NIO's bootstraps already set it, ServerBootstrap on the
    /// listening socket (accepted sockets inherit it, on Linux and the BSDs) and ClientBootstrap
    /// on every upstream socket. (Note `.socketOption(.tcp_nodelay)` would be wrong: it sets
    /// option 1 at SOL_SOCKET level, which is SO_DEBUG, refused without CAP_NET_ADMIN.)
    static func apply(to channel: Channel) throws {
        guard let options = channel.syncOptions else { return }
        try options.setOption(.allowRemoteHalfClosure, value: true)
        try options.setOption(.recvAllocator, value: receiveBuffers)
    }
}

import NIOCore

/// The options every relayed channel (client side and upstream side) gets, set synchronously
/// from its initializer: a bootstrap's channel options are applied through a chain of
/// futures per option, which costs dozens of allocations on every connection.
enum RelayChannelOptions {
    /// TCP_NODELAY is not set here: NIO's bootstraps already set it, ServerBootstrap on the
    /// listening socket (accepted sockets inherit it, on Linux and the BSDs) and ClientBootstrap
    /// on every upstream socket. (Note `.socketOption(.tcp_nodelay)` would be wrong: it sets
    /// option 1 at SOL_SOCKET level, which is SO_DEBUG, refused without CAP_NET_ADMIN.)
    static func apply(to channel: Channel) throws {
        guard let options = channel.syncOptions else { return }
        try options.setOption(.allowRemoteHalfClosure, value: true)
        try options.setOption(.recvAllocator, value: RelayReceiveAllocator())
        // One read per readiness event keeps NIO's per-channel buffer pool at a single entry:
        // the first, small buffer (see RelayReceiveAllocator).
        try options.setOption(.maxMessagesPerRead, value: 1)
    }
}

/// Receive buffers sized like NIO's adaptive allocator (256 bytes at first, x16 per full
/// read up to 64 KiB, shrinking again on short reads), but never kept by the channel.
///
/// NIO's default keeps each channel's receive buffers for reuse (up to `maxMessagesPerRead`
/// of them) and only ever grows them. On a relay that means a connection which once moved
/// bulk data (an IMAP mailbox sync) pins two channels x four 64 KiB buffers for as long as
/// it stays open (an IMAP IDLE): about 520 KiB per quiet connection, measured. Giving NIO's
/// pool no size hint and reporting that the next buffer may grow makes it allocate a fresh
/// buffer per read, which is released as soon as it has been relayed.
struct RelayReceiveAllocator: RecvByteBufferAllocator {
    private var adaptive = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 65536)

    func buffer(allocator: ByteBufferAllocator) -> ByteBuffer {
        adaptive.buffer(allocator: allocator)
    }

    func nextBufferSize() -> Int? { nil }

    mutating func record(actualReadBytes: Int) -> Bool {
        _ = adaptive.record(actualReadBytes: actualReadBytes)
        return true
    }
}

import NIOCore

/// Receive-buffer sizing for relayed channels (client and upstream).
///
/// NIO keeps the last receive buffer of every channel for reuse, so its size is paid for
/// every open connection, idle or not. NIO's default starts at 2 KiB; mail traffic on an
/// idle session is a greeting, a PROXY header or a short command, which fit in 256 bytes.
/// The allocator still grows (x16 per full read, up to 64 KiB) as soon as a connection
/// moves bulk data, so relay throughput is unchanged.
enum RelayBuffers {
    static let allocator = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 65536)
}

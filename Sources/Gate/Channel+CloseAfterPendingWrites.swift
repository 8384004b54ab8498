import NIOCore

extension Channel {
    /// Closes (`mode`) once every write queued so far has gone out, so nothing relayed is lost.
    /// Also for a half-close: NIO turns `close(mode: .output)` into a full close, failing what
    /// is still queued, when the input side is already closed.
    func closeAfterPendingWrites(mode: CloseMode) {
        writeAndFlush(ByteBuffer()).whenComplete { [self] _ in
            self.close(mode: mode, promise: nil)
        }
    }
}

import Foundation
import Synchronization

/// The open Server-Sent-Event streams, so that a shutdown can end them (a graceful HTTP
/// shutdown otherwise waits for them for ever).
public final class EventStreamHub: Sendable {
    private let streams = Mutex<(next: Int, open: [Int: AsyncStream<String>.Continuation], closed: Bool)>((0, [:], false))

    /// A new outgoing stream of SSE text chunks, and its key for `remove`.
    func open() -> (key: Int, stream: AsyncStream<String>, continuation: AsyncStream<String>.Continuation) {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1_000))
        let key = streams.withLock { state in
            state.next += 1
            if state.closed { continuation.finish() } else { state.open[state.next] = continuation }
            return state.next
        }
        return (key, stream, continuation)
    }

    func remove(_ key: Int) {
        _ = streams.withLock { $0.open.removeValue(forKey: key) }
    }

    func finishAll() {
        let open = streams.withLock { state in
            state.closed = true
            defer { state.open = [:] }
            return Array(state.open.values)
        }
        for continuation in open { continuation.finish() }
    }
}

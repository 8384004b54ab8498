import AccessPolicy
import NIOCore

/// Idle timeouts for every connection on one event loop: one repeating check instead of a
/// timer per connection. A per-connection timer costs about half a kilobyte for as long as
/// the connection is open, and cancelling it (every connection that closes) scans all of the
/// loop's scheduled tasks. A connection is closed within one `interval` after its timeout.
///
/// Confined to its event loop: every method runs there (checked in debug builds), which is
/// what makes the unchecked Sendable conformance sound.
final class IdleSweep: @unchecked Sendable {
    let loop: EventLoop
    private let interval: TimeAmount
    private var watched: [ObjectIdentifier: ClientConnectionHandler] = [:]
    private var task: RepeatedTask?

    init(loop: EventLoop, interval: TimeAmount) {
        self.loop = loop
        self.interval = interval
    }

    /// The check interval for these listeners: a quarter of the shortest idle timeout, at
    /// most a second (10 ms at least).
    static func interval(for listeners: [ListenerConfiguration]) -> TimeAmount {
        let shortest = listeners.map { TimeAmount($0.idleTimeout) }.min() ?? .seconds(1800)
        return max(.milliseconds(10), min(.seconds(1), .nanoseconds(shortest.nanoseconds / 4)))
    }

    func watch(_ handler: ClientConnectionHandler) {
        loop.assertInEventLoop()
        watched[ObjectIdentifier(handler)] = handler
        if task == nil {
            task = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in sweep() }
        }
    }

    func unwatch(_ handler: ClientConnectionHandler) {
        loop.assertInEventLoop()
        watched.removeValue(forKey: ObjectIdentifier(handler))
    }

    private func sweep() {
        loop.assertInEventLoop()
        let now = loop.now  // the loop's clock: virtual in tests
        // Collected first: closing a connection unwatches it.
        let idle = watched.values.filter { $0.isIdle(at: now) }
        for handler in idle { handler.closeIdle() }
    }

    /// Stops checking and lets go of the handlers (the gate is shutting down).
    func stop() {
        loop.assertInEventLoop()
        task?.cancel()
        task = nil
        watched = [:]
    }
}

/// The gate's idle sweeps, one per event loop of its group.
final class IdleSweeps: Sendable {
    private let byLoop: [ObjectIdentifier: IdleSweep]

    init(loops: [EventLoop], interval: TimeAmount) {
        var byLoop: [ObjectIdentifier: IdleSweep] = [:]
        for loop in loops { byLoop[ObjectIdentifier(loop)] = IdleSweep(loop: loop, interval: interval) }
        self.byLoop = byLoop
    }

    func sweep(on loop: EventLoop) -> IdleSweep? { byLoop[ObjectIdentifier(loop)] }

    func stopAll() async {
        for sweep in byLoop.values {
            try? await sweep.loop.submit { sweep.stop() }.get()
        }
    }
}

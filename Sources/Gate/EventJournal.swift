import Foundation
import MailgateAPI
import Synchronization

/// The bounded ring of recent events plus live subscribers (the API's event stream).
public final class EventJournal: Sendable {
    private struct State {
        var ring: [Event] = []
        var next = 0
        var sequence: UInt64 = 0
        var subscribers: [UInt64: AsyncStream<Event>.Continuation] = [:]
        var nextSubscriber: UInt64 = 0
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// Stamps the event with the next sequence number, keeps it, and hands it to subscribers.
    @discardableResult
    public func record(_ event: Event) -> Event {
        var stamped = event
        let subscribers = state.withLock { state in
            state.sequence += 1
            stamped.sequence = state.sequence
            if state.ring.count < capacity {
                state.ring.append(stamped)
            } else {
                state.ring[state.next] = stamped
                state.next = (state.next + 1) % capacity
            }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.yield(stamped) }
        return stamped
    }

    /// Recent events, oldest first, with a sequence number above `since`.
    public func recent(since: UInt64 = 0, limit: Int? = nil) -> [Event] {
        let ordered = state.withLock { state in
            Array(state.ring[state.next...] + state.ring[..<state.next])
        }
        let newer = ordered.filter { $0.sequence > since }
        if let limit, newer.count > limit { return Array(newer.suffix(limit)) }
        return newer
    }

    /// A live feed of events from now on. Slow consumers lose the oldest undelivered events
    /// rather than making the gate buffer without bound.
    public func subscribe(bufferingNewest: Int = 1_000) -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(bufferingNewest))
        let id = state.withLock { state in
            state.nextSubscriber += 1
            state.subscribers[state.nextSubscriber] = continuation
            return state.nextSubscriber
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }
}

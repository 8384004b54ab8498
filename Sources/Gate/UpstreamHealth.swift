import NIOCore
import Synchronization

/// What the gate last saw of each upstream: a connection made or refused, for a client or
/// by a probe. The control API reports this rather than probing on every status call. Each
/// probe is a connection with no login, which mail servers log (and some ban for).
public final class UpstreamHealth: Sendable {
    public struct Observation: Sendable, Equatable {
        public var reachable: Bool
        public var at: NIODeadline
    }

    /// Keyed by the upstream's text (`127.0.0.1:143`), with plain 64-bit times. Keyed by
    /// `SocketEndpoint` (a UInt128 inside), Swift 6.3 emitted an aligned SSE load from a
    /// misaligned stack slot in this closure, and the first connection crashed the process.
    private let latest = Mutex<[String: Observation]>([:])

    public init() {}

    public func record(_ upstream: String, reachable: Bool, at instant: NIODeadline = .now()) {
        let observation = Observation(reachable: reachable, at: instant)
        latest.withLock { $0[upstream] = observation }
    }

    /// The newest observation of `upstream` if it is younger than `maxAge`.
    public func recent(_ upstream: String, maxAge: Duration, now: NIODeadline = .now()) -> Observation? {
        guard let observation = latest.withLock({ $0[upstream] }),
              now - observation.at < TimeAmount(maxAge) else { return nil }
        return observation
    }
}

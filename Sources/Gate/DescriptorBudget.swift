#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The sockets the gate may hold open at once: client and upstream connections, each one
/// descriptor. Kept below the process's descriptor limit by a reserve, because running out
/// is not an error the gate can handle: the Swift runtime's own thread monitor opens
/// `/proc/<tid>/stat` about once a second and aborts the process when that open fails. A
/// gate that refuses connections before the limit, truthfully, survives any flood.
public final class DescriptorBudget: Sendable {
    /// Sockets the gate may hold; `Int.max` when not limited (tests, tools).
    public let sockets: Int
    private let open = Atomic<Int>(0)

    public init(sockets: Int = .max) {
        self.sockets = sockets
    }

    /// Client and upstream sockets held now.
    public var inUse: Int { open.load(ordering: .relaxed) }

    /// Three quarters of the budget in use: refused connections then linger only briefly for
    /// the client to read why (a flood of refused connections must not eat the descriptors
    /// that served clients need), and only `maximumBriefLingers` at once.
    public var isUnderPressure: Bool { sockets != .max && inUse * 4 >= sockets * 3 }

    /// Refused connections lingering at once under pressure: well inside the reserve (they
    /// are counted in `inUse`, and may take it past `sockets` for their 200 ms).
    public static let maximumBriefLingers = 32
    private let lingering = Atomic<Int>(0)

    /// Takes one of the brief lingers if there is one left.
    func startBriefLinger() -> Bool {
        let now = lingering.add(1, ordering: .relaxed).newValue
        if now > Self.maximumBriefLingers {
            lingering.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func endBriefLinger() {
        lingering.subtract(1, ordering: .relaxed)
    }

    /// Counts an accepted client socket (always: it is open whatever happens next) and says
    /// whether it may go on, with room for its upstream connection too.
    func takeClient() -> Bool {
        let now = open.add(1, ordering: .relaxed).newValue
        return sockets == .max || now + 1 <= sockets
    }

    /// Counts an upstream socket about to be opened.
    func takeUpstream() {
        open.add(1, ordering: .relaxed)
    }

    func release() {
        open.subtract(1, ordering: .relaxed)
    }
}

/// The process's descriptor limit and what it can carry.
public struct DescriptorPlan: Sendable, Hashable {
    /// Descriptors kept free of gate sockets: the runtime (event loops, its thread monitor's
    /// /proc reads), the listening sockets, the control socket and its connections, and the
    /// files (access file, audit log, pending changes, lock).
    public static func reserve(listenSockets: Int, controlConnections: Int) -> Int {
        96 + listenSockets + 1 + controlConnections
    }

    /// The soft limit in force (after raising it) and the hard limit.
    public var softLimit: Int
    public var hardLimit: Int
    public var reserve: Int
    /// Sockets the gate may hold: the soft limit less the reserve.
    public var socketBudget: Int { max(0, softLimit - reserve) }
    /// `max_connections` as configured, and as the limit can carry (two sockets per relayed connection).
    public var requestedConnections: Int
    public var maxConnections: Int { min(requestedConnections, socketBudget / 2) }
    public var isClamped: Bool { maxConnections < requestedConnections }

    public init(softLimit: Int, hardLimit: Int, reserve: Int, requestedConnections: Int) {
        self.softLimit = softLimit
        self.hardLimit = hardLimit
        self.reserve = reserve
        self.requestedConnections = requestedConnections
    }

    /// Why `max_connections` was lowered, with every number behind it; nil when it was not.
    public var clampMessage: String? {
        guard isClamped else { return nil }
        return "max_connections = \(requestedConnections) needs \(2 * requestedConnections) descriptors (two per relayed "
            + "connection) plus a reserve of \(reserve), but the descriptor limit is \(softLimit) (hard limit \(hardLimit)); "
            + "using max_connections = \(maxConnections). Raise the limit (LimitNOFILE= in the systemd unit) or lower "
            + "[limits] max_connections to silence this."
    }

    /// Reads RLIMIT_NOFILE, raising the soft limit to the hard one first (the default soft
    /// limit, often 1024, is far below what a gate needs). nil if it cannot be read.
    public static func raisingSoftLimit() -> (soft: Int, hard: Int)? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        func count(_ value: rlim_t) -> Int { value == rlim_t.max || value > rlim_t(Int32.max) ? Int(Int32.max) : Int(value) }
        return (count(limit.rlim_cur), count(limit.rlim_max))
    }
}

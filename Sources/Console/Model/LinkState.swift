/// The console's own connection to the daemon, shown in the top bar in words.
public enum LinkState: Hashable, Sendable {
    /// Showing built-in sample data; nothing is live.
    case fixture
    case connecting
    case connected
    /// Lost the daemon; trying again (attempt n), with the last error in plain words.
    case reconnecting(attempt: Int, reason: String)
    /// Cannot reach the daemon and retrying will not help until something is fixed.
    case failed(problem: String, fix: String)

    /// Whether what the console shows is current.
    public var isLive: Bool { self == .connected || self == .fixture }

    public var words: String {
        switch self {
        case .fixture: "fixture data (not live)"
        case .connecting: "connecting…"
        case .connected: "connected"
        case .reconnecting(let attempt, let reason): "reconnecting (try \(attempt)): \(reason)"
        case .failed(let problem, _): "unreachable: \(problem)"
        }
    }

    /// Whether a write can reach the daemon now (the fixture's pretend daemon counts).
    public var reachesDaemon: Bool { self == .connected || self == .fixture }
}

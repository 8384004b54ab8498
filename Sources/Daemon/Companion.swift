import Gate
import MailgateAPI

/// Work that runs beside the daemon and ends with it: the demo's console or its event feed.
public struct Companion: Sendable {
    /// When the body returns, the daemon stops; SIGHUP then stops it too (the terminal went
    /// away) instead of reloading the access file.
    public var stopsDaemonWhenDone: Bool
    /// Cancelled when the daemon stops.
    public var body: @Sendable (RunningDaemon) async -> Void

    public init(stopsDaemonWhenDone: Bool, _ body: @escaping @Sendable (RunningDaemon) async -> Void) {
        self.stopsDaemonWhenDone = stopsDaemonWhenDone
        self.body = body
    }
}

/// What a companion sees of the daemon it runs beside.
public struct RunningDaemon: Sendable {
    let gate: Gate

    /// The ports the gate listens on (a configured port 0 resolved to the one bound).
    public var listeningPorts: [Int] {
        gate.boundAddresses.compactMap(\.port)
    }

    /// The gate's events from now on, as the control API's live stream carries them.
    public func events() -> AsyncStream<Event> {
        gate.state.journal.subscribe()
    }
}

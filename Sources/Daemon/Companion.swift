import Gate
import ServiceLifecycle

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

    /// The gate's events from now on, as the control API's live stream carries them.
    public func events() -> AsyncStream<GateEvent> {
        gate.state.journal.subscribe()
    }
}

/// A companion as the last service of the group, so that it is the first asked to end. It
/// starts once the gate serves (and the control API before it).
struct CompanionService: Service {
    let companion: Companion
    let daemon: RunningDaemon
    let gateServing: OneShot<Void>
    let shutdown: DaemonShutdown

    func run() async {
        guard await gateServing.value() != nil else { return }
        let (companion, daemon, shutdown) = (self.companion, self.daemon, self.shutdown)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await companion.body(daemon)
                if companion.stopsDaemonWhenDone { shutdown.begin(announced: true) }
            }
            _ = await shutdown.requested()
            group.cancelAll()
        }
        // No wait for a turn: either the group asked this service first, or it is the one
        // ending the daemon (the group then shuts the others down).
    }
}

import ServiceLifecycle

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

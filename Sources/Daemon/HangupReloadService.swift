import ControlServer
import ServiceLifecycle
import UnixSignals

/// SIGHUP reloads the access file, until the daemon stops.
struct HangupReloadService: Service {
    /// Trapped before anything listens, so that an early SIGHUP is not the default (fatal) one.
    let hangups: UnixSignalsSequence
    let store: AccessStore
    let shutdown: DaemonShutdown

    func run() async {
        let (hangups, store) = (self.hangups, self.store)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in hangups { store.reload(trigger: "SIGHUP") }
            }
            _ = await shutdown.requested()
            group.cancelAll()
        }
        await shutdown.turnToReturn()
    }
}

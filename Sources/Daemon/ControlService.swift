import ControlServer
import ServiceLifecycle

/// The control API on its Unix socket, as a service: it starts first (a live daemon's socket
/// is never taken over, a stale one is), and stops alongside the gate's drain, by the same
/// deadline, after the access store's revert timers (pending changes resume at the next start).
struct ControlService: Service {
    let server: ControlServer
    let store: AccessStore
    let shutdown: DaemonShutdown
    /// Set once the socket serves; the gate binds only then.
    let running = OneShot<Void>()

    func run() async throws {
        do {
            try await server.start()
        } catch {
            throw DaemonFailure(error.description)
        }
        running.set(())
        let deadline = await shutdown.requested()
        store.stop()
        let server = self.server
        // Not cancelled with this task: the stop keeps to its deadline whatever happens here.
        await Task { await server.stop(deadline: deadline) }.value
        await shutdown.turnToReturn()
    }
}

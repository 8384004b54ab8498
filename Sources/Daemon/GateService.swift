import Gate
import ServiceLifecycle

/// The gate's listeners, as a service: bound once the control API is up; on shutdown they
/// close at once and open connections have the grace period to finish.
struct GateService: Service {
    let gate: Gate
    let controlRunning: OneShot<Void>
    let shutdown: DaemonShutdown
    /// Called once every listener is bound.
    let onServing: @Sendable () -> Void
    /// Set once every listener is bound; the companion starts only then.
    let serving = OneShot<Void>()

    func run() async throws {
        let gate = self.gate
        guard await controlRunning.value() != nil else {
            // The control API did not start (the group is being cancelled): nothing was bound.
            await Task { await gate.shutdown(grace: .zero) }.value
            return
        }
        do {
            try await gate.start()
        } catch {
            await Task { await gate.shutdown(grace: .zero) }.value
            throw DaemonFailure("\(error)")
        }
        onServing()
        serving.set(())
        _ = await shutdown.requested()
        let grace = shutdown.grace
        await Task { await gate.shutdown(grace: grace) }.value
        await shutdown.turnToReturn()
    }
}

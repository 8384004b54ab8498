import ServiceLifecycle

/// The daemon's one shutdown and its absolute deadline. Whatever begins it — SIGTERM or
/// SIGINT (the service group's graceful shutdown), the demo's console quitting, a service
/// failing (the group's cancellation) — every service starts stopping at once and by the
/// same deadline, so that nothing (a stalled control client, a hanging relay) delays the rest.
///
/// The service group shuts its services down one after the other; so that they stop side
/// by side instead, each begins the shutdown for all, stops, and then waits for its turn to
/// return (returning unasked would count as an unexpected exit).
final class DaemonShutdown: Sendable {
    /// How long open connections have to finish.
    let grace: Duration
    private let deadline = OneShot<ContinuousClock.Instant>()
    private let announce: @Sendable () -> Void

    /// `announce` is called once when a requested shutdown (not a failure) begins.
    init(grace: Duration, announce: @escaping @Sendable () -> Void) {
        self.grace = grace
        self.announce = announce
    }

    /// Begins the shutdown (only the first call counts): the deadline is `grace` from now.
    func begin(announced: Bool) {
        if deadline.set(.now + grace), announced { announce() }
    }

    /// Waits until the shutdown begins, and returns its deadline. This service's graceful
    /// shutdown begins it (announced); so does its cancellation (quietly: a service failed).
    func requested() async -> ContinuousClock.Instant {
        let begun = await withGracefulShutdownHandler {
            await deadline.value()
        } onGracefulShutdown: { [self] in
            begin(announced: true)
        }
        if let begun { return begun }
        begin(announced: false)
        return deadline.current!
    }

    /// Waits until the service group asks this service to end (or cancels it).
    func turnToReturn() async {
        try? await gracefulShutdown()
    }
}

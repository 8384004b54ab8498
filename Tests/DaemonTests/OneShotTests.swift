import Synchronization
import Testing
@testable import Daemon

@Suite struct OneShotTests {
    @Test func everyWaiterGetsTheValueSetOnce() async {
        let shot = OneShot<Int>()
        async let first = shot.value()
        async let second = shot.value()
        #expect(shot.set(7))
        #expect(!shot.set(8))
        #expect(await first == 7)
        #expect(await second == 7)
        #expect(await shot.value() == 7)
    }

    @Test func aCancelledWaiterGetsNil() async {
        let shot = OneShot<Int>()
        let waiter = Task { await shot.value() }
        waiter.cancel()
        #expect(await waiter.value == nil)
        #expect(shot.current == nil)
    }
}

@Suite struct DaemonShutdownTests {
    @Test func theDeadlineIsTheGracePeriodFromTheFirstBeginAndIsAnnouncedOnce() async {
        let announcements = Counter()
        let shutdown = DaemonShutdown(grace: .seconds(30)) { announcements.add() }
        let before = ContinuousClock.now
        shutdown.begin(announced: true)
        shutdown.begin(announced: true)
        let deadline = await shutdown.requested()
        #expect(deadline >= before + .seconds(30) && deadline <= .now + .seconds(30))
        #expect(announcements.value == 1)
    }

    @Test func aCancelledServiceBeginsTheShutdownQuietly() async {
        let announcements = Counter()
        let shutdown = DaemonShutdown(grace: .seconds(1)) { announcements.add() }
        let waiting = Task { await shutdown.requested() }
        waiting.cancel()
        let deadline = await waiting.value
        #expect(await shutdown.requested() == deadline)
        #expect(announcements.value == 0)
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

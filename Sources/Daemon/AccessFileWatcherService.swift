import Gate
import ServiceLifecycle

/// The access-file watcher, as a service: a hand edit of the file reloads it (through the
/// access store, which refuses an invalid file) until the daemon stops.
struct AccessFileWatcherService: Service {
    let watcher: AccessFileWatcher
    let shutdown: DaemonShutdown

    func run() async {
        watcher.start()
        _ = await shutdown.requested()
        watcher.stop()
        await shutdown.turnToReturn()
    }
}

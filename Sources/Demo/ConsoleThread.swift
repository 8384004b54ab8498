import Console
import Foundation
import Synchronization

/// Runs the console on a thread of its own (curses is driven from that one thread only) and
/// waits for it as an async call; cancelling the call asks the console to stop.
enum ConsoleThread {
    /// Returns the console's start-up error, if it had one.
    static func run(_ session: ConsoleSession, theme: Theme, mouse: Bool) async -> String? {
        let failure = ConsoleFailure()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                let thread = Thread {
                    do {
                        try session.run(theme: theme, readonly: false, mouse: mouse, installSignalHandlers: false)
                    } catch {
                        failure.message.withLock { $0 = "\(error)" }
                    }
                    done.resume()
                }
                thread.name = "console"
                thread.start()
            }
        } onCancel: {
            session.requestStop()
        }
        return failure.message.withLock { $0 }
    }
}

/// The console's start-up error, carried out of its thread.
final class ConsoleFailure: Sendable {
    let message = Mutex<String?>(nil)
}

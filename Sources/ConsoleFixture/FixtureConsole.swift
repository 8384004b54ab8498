import Console
import Foundation

/// `mailgate tui --fixture`: the console, through its real client, over the real control API
/// serving the sample site in-process (see `FixtureServer`).
public enum FixtureConsole {
    public static func run(theme: Theme, readonly: Bool, mouse: Bool) throws {
        let server = try blocking { try await FixtureServer.start(liveTraffic: true) }
        defer { _ = try? blocking { await server.stop() } }
        let session = ConsoleSession(socketPath: server.socketPath)
        session.presentsFixture = true
        try session.run(theme: theme, readonly: readonly, mouse: mouse)
    }

    /// Runs async work to its end from this (main, non-async) thread.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<T, any Error>?
        Task.detached {
            do { result = .success(try await work()) } catch { result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try result!.get()
    }
}

/// A wait that gave up: what was awaited, and for how long.
public struct WaitTimeout: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// Polls `condition` until it holds, or throws `WaitTimeout` once `limit` has passed: the one
/// way the tests wait for something to happen (never a fixed sleep).
public func eventually(within limit: Duration = .seconds(5), _ what: String,
                       _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while try await !condition() {
        if ContinuousClock.now > deadline { throw WaitTimeout(description: "waited \(limit) for \(what)") }
        try await Task.sleep(for: .milliseconds(5))
    }
}

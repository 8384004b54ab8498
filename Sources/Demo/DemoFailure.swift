/// Why the demo could not run, as the one line it prints.
public struct DemoFailure: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

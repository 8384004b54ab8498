/// Why the daemon could not start (or stopped on an error), as the one line it prints.
public struct DaemonFailure: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

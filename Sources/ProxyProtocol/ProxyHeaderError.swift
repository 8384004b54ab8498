/// Why bytes are not a valid PROXY header, in words fit for a log line: what and where.
public struct ProxyHeaderError: Error, Hashable, Sendable, CustomStringConvertible {
    /// E.g. `v1: source address "01.2.3.4" at offset 11 has a leading zero`.
    public let reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

extension ProxyHeaderError {
    init(_ reason: String) {
        self.init(reason: reason)
    }
}

/// Identifies one accepted connection for as long as the daemon runs.
public struct ConnectionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public static func < (a: ConnectionID, b: ConnectionID) -> Bool { a.value < b.value }
    public var description: String { "c\(value)" }
}

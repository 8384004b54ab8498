/// A terminal in memory, for tests: holds the last flushed buffer and a queue of keys.
public final class HeadlessBackend: TerminalBackend {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var screen: CellBuffer
    public var pendingKeys: [Key] = []
    public private(set) var flushCount = 0

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        screen = CellBuffer(width: width, height: height)
    }

    public var size: (width: Int, height: Int) { (width, height) }

    public func resize(width: Int, height: Int) {
        self.width = width
        self.height = height
        pendingKeys.append(.resize)
    }

    public func flush(_ buffer: CellBuffer) {
        screen = buffer
        flushCount += 1
    }

    public func readKey(timeoutMilliseconds: Int) -> Key? {
        pendingKeys.isEmpty ? nil : pendingKeys.removeFirst()
    }

    public func shutdown() {}

    /// The screen as text lines.
    public var text: String { screen.textLines.joined(separator: "\n") }
}

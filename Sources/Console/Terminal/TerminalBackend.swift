/// Where a `CellBuffer` is shown and keys come from: curses on a terminal, or memory in tests.
public protocol TerminalBackend: AnyObject {
    /// The current size in cells (columns, rows).
    var size: (width: Int, height: Int) { get }
    /// Shows the buffer, sending only what changed since the previous flush.
    func flush(_ buffer: CellBuffer)
    /// The next key, or nil when `timeoutMilliseconds` pass without one (the refresh tick).
    func readKey(timeoutMilliseconds: Int) -> Key?
    /// Gives the terminal back as it was found.
    func shutdown()
}

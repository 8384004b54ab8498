import Control

/// The red line shown while a change waits for confirmation, counting down to its revert.
struct PendingChangeBanner {
    var change: PendingChangeInfo
    var model: ConsoleModel

    func render(into buffer: inout CellBuffer, y: Int, width: Int) {
        buffer.fill(Rect(x: 0, y: y, width: width, height: 1), role: .banner)
        let left = change.deadline.timeIntervalSince(model.now)
        let when = left > 0 ? "reverts in \(Formatting.countdown(left))" : "reverting now"
        let keys = model.readonly ? "unless confirmed" : "unless you press c (u: undo now)"
        let text = " ⚠ PENDING, \(when) \(keys) │ \(change.summary)"
        buffer.write(text, x: 0, y: y, role: .banner, attributes: [.bold], maxX: width)
    }
}

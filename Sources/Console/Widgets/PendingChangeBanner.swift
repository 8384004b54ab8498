import Foundation
import MailgateAPI

/// The red line shown while changes wait for confirmation, counting down to the soonest revert.
struct PendingChangeBanner {
    var changes: [PendingChangeInfo]
    var model: ConsoleModel

    func render(into buffer: inout CellBuffer, y: Int, width: Int) {
        guard let soonest = changes.min(by: { $0.deadline < $1.deadline }) else { return }
        buffer.fill(Rect(x: 0, y: y, width: width, height: 1), role: .banner)
        let left = soonest.deadline.timeIntervalSince(model.now)
        let when = left > 0 ? "reverts in \(Formatting.countdown(left))" : "reverting now"
        let text: String
        if changes.count == 1 {
            let keys = model.readonly ? "unless confirmed" : "unless you press c (u: undo now)"
            text = " ⚠ PENDING, \(when) \(keys) │ \(soonest.summary)"
        } else {
            let keys = model.readonly ? "" : " │ 5: choose one, then c or u"
            text = " ⚠ \(changes.count) PENDING CHANGES, the next \(when): \(soonest.summary)\(keys)"
        }
        buffer.write(text, x: 0, y: y, role: .banner, attributes: [.bold], maxX: width)
    }
}
